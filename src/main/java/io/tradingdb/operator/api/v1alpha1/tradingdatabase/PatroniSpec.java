package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Patroni settings that matter to a trading workload; the rest follow Patroni's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PatroniSpec {

  @JsonPropertyDescription(
      "Synchronous replication: a commit waits for one replica, so a failover loses no "
          + "acknowledged transaction. Needs at least 2 instances. Defaults to false.")
  private Boolean synchronousMode;

  @Min(10)
  @Max(300)
  @JsonPropertyDescription("Leader lock time-to-live in seconds (Patroni ttl). Defaults to 30.")
  private Integer ttlSeconds;

  @Min(0)
  @JsonPropertyDescription(
      "A replica further behind than this many bytes is not promoted (Patroni "
          + "maximum_lag_on_failover). Defaults to 33554432 (32 MiB).")
  private Long maximumLagOnFailoverBytes;

  public Boolean getSynchronousMode() { return synchronousMode; }
  public void setSynchronousMode(Boolean synchronousMode) { this.synchronousMode = synchronousMode; }
  public Integer getTtlSeconds() { return ttlSeconds; }
  public void setTtlSeconds(Integer ttlSeconds) { this.ttlSeconds = ttlSeconds; }
  public Long getMaximumLagOnFailoverBytes() { return maximumLagOnFailoverBytes; }
  public void setMaximumLagOnFailoverBytes(Long maximumLagOnFailoverBytes) { this.maximumLagOnFailoverBytes = maximumLagOnFailoverBytes; }
}
