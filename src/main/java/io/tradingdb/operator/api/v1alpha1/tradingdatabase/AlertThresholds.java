package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.Formats;

/** Thresholds for the PrometheusRule and for the Degraded condition from health checks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertThresholds {

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Alert when connections exceed this percentage of max_connections. Defaults to 80.")
  private Integer connectionsPercent;

  @Pattern(Formats.QUANTITY)
  @ValidationRule(value = "!isQuantity(self) || quantity(self).compareTo(quantity('1Mi')) >= 0",
      message = "databaseSize must be at least 1Mi")
  @JsonPropertyDescription(
      "Notify (severity info, not Degraded) when the database is larger than this quantity, for "
          + "example 512Mi or 50Gi. Defaults to 50Gi.")
  private String databaseSize;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Alert when the buffer cache-hit ratio falls below this percentage. Defaults to 99.")
  private Integer cacheHitRatioPercent;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Alert when a replica lags more than this duration, for example 30s. At least 1s. Defaults to 30s.")
  private String replicationLag;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Alert when clients wait in the pooler for longer than this duration. At least 1s. Defaults to 5s.")
  private String poolerWait;

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Warn when a data or WAL volume is fuller than this percentage. Defaults to 80.")
  private Integer diskUsagePercent;

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Critical alert when a data or WAL volume is fuller than this percentage. Defaults to 90.")
  private Integer diskUsageCriticalPercent;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Alert when a session has waited for a lock longer than this duration. At least 1s. Defaults to 30s.")
  private String lockWait;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Alert when a query has run longer than this duration. At least 1s. Defaults to 5m.")
  private String longRunningQuery;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "Alert when a transaction has been left idle for longer than this duration. At least 1s. Defaults to 1m.")
  private String idleInTransaction;

  @Min(1)
  @Max(2000000000)
  @JsonPropertyDescription(
      "Alert when a database's transaction ID age (age(datfrozenxid)) exceeds this; PostgreSQL stops "
          + "writes near 2^31. Defaults to 1000000000.")
  private Long transactionIdAge;

  @Min(1)
  @JsonPropertyDescription(
      "Alert when a table has more dead rows than this and autovacuum has not run on it for a day. "
          + "Defaults to 100000.")
  private Long deadTuples;

  public Integer getConnectionsPercent() { return connectionsPercent; }
  public void setConnectionsPercent(Integer connectionsPercent) { this.connectionsPercent = connectionsPercent; }
  public Integer getDiskUsagePercent() { return diskUsagePercent; }
  public void setDiskUsagePercent(Integer diskUsagePercent) { this.diskUsagePercent = diskUsagePercent; }
  public Integer getDiskUsageCriticalPercent() { return diskUsageCriticalPercent; }
  public void setDiskUsageCriticalPercent(Integer diskUsageCriticalPercent) { this.diskUsageCriticalPercent = diskUsageCriticalPercent; }
  public Long getTransactionIdAge() { return transactionIdAge; }
  public void setTransactionIdAge(Long transactionIdAge) { this.transactionIdAge = transactionIdAge; }
  public Long getDeadTuples() { return deadTuples; }
  public void setDeadTuples(Long deadTuples) { this.deadTuples = deadTuples; }
  public String getDatabaseSize() { return databaseSize; }
  public void setDatabaseSize(String databaseSize) { this.databaseSize = databaseSize; }
  public Integer getCacheHitRatioPercent() { return cacheHitRatioPercent; }
  public void setCacheHitRatioPercent(Integer cacheHitRatioPercent) { this.cacheHitRatioPercent = cacheHitRatioPercent; }
  public String getReplicationLag() { return replicationLag; }
  public void setReplicationLag(String replicationLag) { this.replicationLag = replicationLag; }
  public String getPoolerWait() { return poolerWait; }
  public void setPoolerWait(String poolerWait) { this.poolerWait = poolerWait; }
  public String getLockWait() { return lockWait; }
  public void setLockWait(String lockWait) { this.lockWait = lockWait; }
  public String getLongRunningQuery() { return longRunningQuery; }
  public void setLongRunningQuery(String longRunningQuery) { this.longRunningQuery = longRunningQuery; }
  public String getIdleInTransaction() { return idleInTransaction; }
  public void setIdleInTransaction(String idleInTransaction) { this.idleInTransaction = idleInTransaction; }
}
