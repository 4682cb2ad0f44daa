package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

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

  @Size(max = 500)
  @JsonPropertyDescription(
      "Hypertables whose retention and compression policies the operator keeps as declared: a policy "
          + "removed by hand comes back, a policy dropped from here is removed. The application "
          + "creates the tables; one that does not exist yet is reported (ObjectMissing) and retried. "
          + "Each schema and name may be listed once.")
  private List<HypertableSpec> hypertables;

  public List<HypertableSpec> getHypertables() { return hypertables; }
  public void setHypertables(List<HypertableSpec> hypertables) { this.hypertables = hypertables; }
  public Boolean getTelemetry() { return telemetry; }
  public void setTelemetry(Boolean telemetry) { this.telemetry = telemetry; }
  public Integer getMaxBackgroundWorkers() { return maxBackgroundWorkers; }
  public void setMaxBackgroundWorkers(Integer maxBackgroundWorkers) { this.maxBackgroundWorkers = maxBackgroundWorkers; }
}
