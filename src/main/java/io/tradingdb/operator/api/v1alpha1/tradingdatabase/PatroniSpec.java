package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.tradingdb.operator.api.v1alpha1.common.Formats;

/** Patroni settings that matter to a trading workload; the rest follow Patroni's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PatroniSpec {

  @JsonPropertyDescription(
      "Synchronous replication: a commit waits for one replica, so a failover loses no "
          + "acknowledged transaction. Needs at least 2 instances. Defaults to false.")
  private Boolean synchronousMode;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Leader lock time-to-live (Patroni ttl), from 10s to 5m. Defaults to 30s.")
  private String ttl;

  @Pattern(Formats.QUANTITY)
  @JsonPropertyDescription(
      "A replica further behind than this quantity of WAL is not promoted (Patroni "
          + "maximum_lag_on_failover), for example 32Mi. Defaults to 32Mi.")
  private String maximumLagOnFailover;

  public Boolean getSynchronousMode() { return synchronousMode; }
  public void setSynchronousMode(Boolean synchronousMode) { this.synchronousMode = synchronousMode; }
  public String getTtl() { return ttl; }
  public void setTtl(String ttl) { this.ttl = ttl; }
  public String getMaximumLagOnFailover() { return maximumLagOnFailover; }
  public void setMaximumLagOnFailover(String maximumLagOnFailover) { this.maximumLagOnFailover = maximumLagOnFailover; }
}
