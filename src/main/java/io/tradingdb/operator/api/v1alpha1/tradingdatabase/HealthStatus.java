package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The trading guide's daily checks, run by the operator as read-only queries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthStatus {
  @JsonPropertyDescription("When the checks ran (RFC 3339).")
  private String checkedAt;
  @JsonPropertyDescription("Open connections.")
  private Integer connections;
  @JsonPropertyDescription("max_connections.")
  private Integer maxConnections;
  @JsonPropertyDescription("Size of the application database in bytes.")
  private Long databaseSizeBytes;
  @JsonPropertyDescription("Buffer cache-hit ratio of the application database, 0 to 1, as a decimal string.")
  private String cacheHitRatio;
  @JsonPropertyDescription("Indexes never scanned since statistics were reset.")
  private Integer unusedIndexes;
  @JsonPropertyDescription("Indexes with the same definition as another index on the same table.")
  private Integer duplicateIndexes;
  @JsonPropertyDescription("Age in seconds of the longest-running active query.")
  private Long longestQuerySeconds;
  @JsonPropertyDescription("Sessions waiting for a lock another session holds.")
  private Integer blockedSessions;
  @JsonPropertyDescription("Age in seconds of the oldest transaction left idle.")
  private Long idleInTransactionSeconds;
  @JsonPropertyDescription("Highest transaction ID age (age(datfrozenxid)) of the server's databases; writes stop near 2^31.")
  private Long transactionIdAge;
  @JsonPropertyDescription("Result of the last scheduled VACUUM ANALYZE.")
  private String lastVacuum;
  @JsonPropertyDescription("Replicas streaming WAL from the primary.")
  private Integer streamingReplicas;
  @JsonPropertyDescription("Of those, the replicas a commit waits for (synchronous mode).")
  private Integer synchronousReplicas;

  public Integer getStreamingReplicas() { return streamingReplicas; }
  public void setStreamingReplicas(Integer streamingReplicas) { this.streamingReplicas = streamingReplicas; }
  public Integer getSynchronousReplicas() { return synchronousReplicas; }
  public void setSynchronousReplicas(Integer synchronousReplicas) { this.synchronousReplicas = synchronousReplicas; }

  public Integer getBlockedSessions() { return blockedSessions; }
  public void setBlockedSessions(Integer blockedSessions) { this.blockedSessions = blockedSessions; }
  public Long getIdleInTransactionSeconds() { return idleInTransactionSeconds; }
  public void setIdleInTransactionSeconds(Long idleInTransactionSeconds) { this.idleInTransactionSeconds = idleInTransactionSeconds; }
  public Long getTransactionIdAge() { return transactionIdAge; }
  public void setTransactionIdAge(Long transactionIdAge) { this.transactionIdAge = transactionIdAge; }
  public String getCheckedAt() { return checkedAt; }
  public void setCheckedAt(String checkedAt) { this.checkedAt = checkedAt; }
  public Integer getConnections() { return connections; }
  public void setConnections(Integer connections) { this.connections = connections; }
  public Integer getMaxConnections() { return maxConnections; }
  public void setMaxConnections(Integer maxConnections) { this.maxConnections = maxConnections; }
  public Long getDatabaseSizeBytes() { return databaseSizeBytes; }
  public void setDatabaseSizeBytes(Long databaseSizeBytes) { this.databaseSizeBytes = databaseSizeBytes; }
  public String getCacheHitRatio() { return cacheHitRatio; }
  public void setCacheHitRatio(String cacheHitRatio) { this.cacheHitRatio = cacheHitRatio; }
  public Integer getUnusedIndexes() { return unusedIndexes; }
  public void setUnusedIndexes(Integer unusedIndexes) { this.unusedIndexes = unusedIndexes; }
  public Integer getDuplicateIndexes() { return duplicateIndexes; }
  public void setDuplicateIndexes(Integer duplicateIndexes) { this.duplicateIndexes = duplicateIndexes; }
  public Long getLongestQuerySeconds() { return longestQuerySeconds; }
  public void setLongestQuerySeconds(Long longestQuerySeconds) { this.longestQuerySeconds = longestQuerySeconds; }
  public String getLastVacuum() { return lastVacuum; }
  public void setLastVacuum(String lastVacuum) { this.lastVacuum = lastVacuum; }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthStatus h && Objects.equals(checkedAt, h.checkedAt)
        && Objects.equals(connections, h.connections) && Objects.equals(maxConnections, h.maxConnections)
        && Objects.equals(databaseSizeBytes, h.databaseSizeBytes)
        && Objects.equals(cacheHitRatio, h.cacheHitRatio) && Objects.equals(unusedIndexes, h.unusedIndexes)
        && Objects.equals(duplicateIndexes, h.duplicateIndexes)
        && Objects.equals(longestQuerySeconds, h.longestQuerySeconds) && Objects.equals(lastVacuum, h.lastVacuum)
        && Objects.equals(blockedSessions, h.blockedSessions)
        && Objects.equals(idleInTransactionSeconds, h.idleInTransactionSeconds)
        && Objects.equals(transactionIdAge, h.transactionIdAge)
        && Objects.equals(streamingReplicas, h.streamingReplicas)
        && Objects.equals(synchronousReplicas, h.synchronousReplicas);
  }

  @Override
  public int hashCode() { return Objects.hash(checkedAt, connections, databaseSizeBytes); }
}
