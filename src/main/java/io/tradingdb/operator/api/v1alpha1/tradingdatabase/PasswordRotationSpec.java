package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.tradingdb.operator.api.v1alpha1.common.Formats;
import java.util.Objects;

/** Rotation of the cluster's own passwords on an interval (the annotation works without it). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PasswordRotationSpec {
  @JsonPropertyDescription("Rotate on the interval below. Off when unset.")
  private Boolean enabled;

  @JsonPropertyDescription(
      "How long after the last rotation (or the cluster's creation) the superuser (when the operator "
          + "generated it), replication, Patroni REST API, pooler lookup and monitoring passwords rotate again, "
          + "e.g. 30d or 12h. Required when enabled.")
  @Pattern(Formats.DURATION)
  private String interval;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public String getInterval() { return interval; }
  public void setInterval(String interval) { this.interval = interval; }

  @Override
  public boolean equals(Object o) {
    return o instanceof PasswordRotationSpec p && Objects.equals(enabled, p.enabled) && Objects.equals(interval, p.interval);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, interval);
  }
}
