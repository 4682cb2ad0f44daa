package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Thresholds for the PrometheusRule and for the Degraded condition from health checks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertThresholds {

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Alert when connections exceed this percentage of max_connections. Defaults to 80.")
  private Integer connectionsPercent;

  @Min(1)
  @JsonPropertyDescription("Alert when the database is larger than this many GiB. Defaults to 50.")
  private Integer databaseSizeGiB;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Alert when the buffer cache-hit ratio falls below this. Defaults to 0.99.")
  private Double cacheHitRatio;

  @Min(1)
  @JsonPropertyDescription("Alert when a replica lags more than this many seconds. Defaults to 30.")
  private Integer replicationLagSeconds;

  @Min(1)
  @JsonPropertyDescription("Alert when clients wait in the pooler for longer than this many seconds. Defaults to 5.")
  private Integer poolerWaitSeconds;

  public Integer getConnectionsPercent() { return connectionsPercent; }
  public void setConnectionsPercent(Integer connectionsPercent) { this.connectionsPercent = connectionsPercent; }
  public Integer getDatabaseSizeGiB() { return databaseSizeGiB; }
  public void setDatabaseSizeGiB(Integer databaseSizeGiB) { this.databaseSizeGiB = databaseSizeGiB; }
  public Double getCacheHitRatio() { return cacheHitRatio; }
  public void setCacheHitRatio(Double cacheHitRatio) { this.cacheHitRatio = cacheHitRatio; }
  public Integer getReplicationLagSeconds() { return replicationLagSeconds; }
  public void setReplicationLagSeconds(Integer replicationLagSeconds) { this.replicationLagSeconds = replicationLagSeconds; }
  public Integer getPoolerWaitSeconds() { return poolerWaitSeconds; }
  public void setPoolerWaitSeconds(Integer poolerWaitSeconds) { this.poolerWaitSeconds = poolerWaitSeconds; }
}
