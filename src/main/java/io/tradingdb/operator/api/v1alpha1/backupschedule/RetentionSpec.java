package io.tradingdb.operator.api.v1alpha1.backupschedule;

import io.tradingdb.operator.api.v1alpha1.common.Formats;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * Which old backups to delete. Applied by the backup Job only after its own backup succeeded, and
 * never to the newest successful backup.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetentionSpec {

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "Delete backups older than this: a whole number of days or hours, for example 7d or 168h. "
          + "Defaults to 7d when neither maxAge nor maxCount is set.")
  private String maxAge;

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Keep at most this many successful backups (the newest ones).")
  private Integer maxCount;

  public String getMaxAge() { return maxAge; }
  public void setMaxAge(String maxAge) { this.maxAge = maxAge; }
  public Integer getMaxCount() { return maxCount; }
  public void setMaxCount(Integer maxCount) { this.maxCount = maxCount; }
}
