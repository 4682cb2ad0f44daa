package io.tradingdb.operator.api.v1alpha1.dbuser;

import io.tradingdb.operator.api.v1alpha1.common.Formats;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Periodic replacement of a generated password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RotationSpec {

  @JsonPropertyDescription("Rotate the password. Defaults to true when rotation is set; false keeps the settings but stops rotating.")
  private Boolean enabled;

  @Required
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "Time between password changes as a duration such as 30d, 720h or 24h30m. At least 1h.")
  private String interval;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }

  public String getInterval() { return interval; }
  public void setInterval(String interval) { this.interval = interval; }
}
