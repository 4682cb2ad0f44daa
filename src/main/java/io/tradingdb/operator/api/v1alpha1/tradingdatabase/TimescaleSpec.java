package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** TimescaleDB extension settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TimescaleSpec {

  @JsonPropertyDescription(
      "Send TimescaleDB telemetry. Off unless set to true: trading data stays in the cluster.")
  private Boolean telemetry;

  @Min(1)
  @Max(512)
  @JsonPropertyDescription(
      "timescaledb.max_background_workers (compression, retention and continuous aggregate "
          + "jobs). Defaults to 8.")
  private Integer maxBackgroundWorkers;

  public Boolean getTelemetry() { return telemetry; }
  public void setTelemetry(Boolean telemetry) { this.telemetry = telemetry; }
  public Integer getMaxBackgroundWorkers() { return maxBackgroundWorkers; }
  public void setMaxBackgroundWorkers(Integer maxBackgroundWorkers) { this.maxBackgroundWorkers = maxBackgroundWorkers; }
}
