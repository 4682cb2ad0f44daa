package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Thresholds for the PrometheusRule and for the Degraded condition from health checks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlertThresholds {

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Alert when connections exceed this percentage of max_connections. Defaults to 80.")
  private Integer connectionsPercent;

  @Min(0.001)
  @JsonPropertyDescription(
      "Notify (severity info, not Degraded) when the database is larger than this many GiB; fractions "
          + "such as 0.5 are allowed. Defaults to 50.")
  private Double databaseSizeGiB;

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

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Warn when a data or WAL volume is fuller than this percentage. Defaults to 80.")
  private Integer diskUsagePercent;

  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Critical alert when a data or WAL volume is fuller than this percentage. Defaults to 90.")
  private Integer diskUsageCriticalPercent;

  @Min(1)
  @JsonPropertyDescription("Alert when a session has waited for a lock longer than this many seconds. Defaults to 30.")
  private Integer lockWaitSeconds;

  @Min(1)
  @JsonPropertyDescription("Alert when a query has run longer than this many seconds. Defaults to 300.")
  private Integer longRunningQuerySeconds;

  @Min(1)
  @JsonPropertyDescription(
      "Alert when a transaction has been left idle for longer than this many seconds. Defaults to 60.")
  private Integer idleInTransactionSeconds;

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

  @Min(1)
  @JsonPropertyDescription(
      "Alert when this many deadlocks or more happen in one database within errorWindow (each aborts a "
          + "transaction). Defaults to 1.")
  private Integer deadlocks;

  @Pattern(QUANTITY)
  @JsonPropertyDescription(
      "Alert when queries write more than this to temporary files in one database within errorWindow "
          + "(sorts and hashes larger than work_mem), a quantity such as 10Gi. Defaults to 10Gi.")
  private String tempFileBytes;

  @Pattern(DURATION)
  @JsonPropertyDescription(
      "Window over which deadlocks, checksum failures and temporary-file bytes are counted, such as 1h or "
          + "1d. Defaults to 1h.")
  private String errorWindow;

  /** A Kubernetes quantity of bytes (no fraction of a byte below Ki). */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$";
  /** The one duration format of the API. */
  public static final String DURATION = "^([0-9]+(s|m|h|d))+$";

  public Integer getDeadlocks() { return deadlocks; }
  public void setDeadlocks(Integer deadlocks) { this.deadlocks = deadlocks; }
  public String getTempFileBytes() { return tempFileBytes; }
  public void setTempFileBytes(String tempFileBytes) { this.tempFileBytes = tempFileBytes; }
  public String getErrorWindow() { return errorWindow; }
  public void setErrorWindow(String errorWindow) { this.errorWindow = errorWindow; }
  public Integer getConnectionsPercent() { return connectionsPercent; }
  public void setConnectionsPercent(Integer connectionsPercent) { this.connectionsPercent = connectionsPercent; }
  public Double getDatabaseSizeGiB() { return databaseSizeGiB; }
  public void setDatabaseSizeGiB(Double databaseSizeGiB) { this.databaseSizeGiB = databaseSizeGiB; }
  public Double getCacheHitRatio() { return cacheHitRatio; }
  public void setCacheHitRatio(Double cacheHitRatio) { this.cacheHitRatio = cacheHitRatio; }
  public Integer getReplicationLagSeconds() { return replicationLagSeconds; }
  public void setReplicationLagSeconds(Integer replicationLagSeconds) { this.replicationLagSeconds = replicationLagSeconds; }
  public Integer getDiskUsagePercent() { return diskUsagePercent; }
  public void setDiskUsagePercent(Integer diskUsagePercent) { this.diskUsagePercent = diskUsagePercent; }
  public Integer getDiskUsageCriticalPercent() { return diskUsageCriticalPercent; }
  public void setDiskUsageCriticalPercent(Integer diskUsageCriticalPercent) { this.diskUsageCriticalPercent = diskUsageCriticalPercent; }
  public Integer getLockWaitSeconds() { return lockWaitSeconds; }
  public void setLockWaitSeconds(Integer lockWaitSeconds) { this.lockWaitSeconds = lockWaitSeconds; }
  public Integer getLongRunningQuerySeconds() { return longRunningQuerySeconds; }
  public void setLongRunningQuerySeconds(Integer longRunningQuerySeconds) { this.longRunningQuerySeconds = longRunningQuerySeconds; }
  public Integer getIdleInTransactionSeconds() { return idleInTransactionSeconds; }
  public void setIdleInTransactionSeconds(Integer idleInTransactionSeconds) { this.idleInTransactionSeconds = idleInTransactionSeconds; }
  public Long getTransactionIdAge() { return transactionIdAge; }
  public void setTransactionIdAge(Long transactionIdAge) { this.transactionIdAge = transactionIdAge; }
  public Long getDeadTuples() { return deadTuples; }
  public void setDeadTuples(Long deadTuples) { this.deadTuples = deadTuples; }
  public Integer getPoolerWaitSeconds() { return poolerWaitSeconds; }
  public void setPoolerWaitSeconds(Integer poolerWaitSeconds) { this.poolerWaitSeconds = poolerWaitSeconds; }
}
