package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Periodic replacement of a generated password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RotationSpec {

  @Required
  @Pattern("^([0-9]+(h|m|s))+$")
  @JsonPropertyDescription(
      "Time between password changes as a duration such as 720h or 24h30m. At least 1h.")
  private String interval;

  public String getInterval() { return interval; }
  public void setInterval(String interval) { this.interval = interval; }
}
