package io.tradingdb.operator.tradingdatabase.monitoring;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HealthStatus;
import io.tradingdb.operator.postgres.HealthCheck;
import io.tradingdb.operator.postgres.HealthEvaluator;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** From a health check to {@code status.health} and the Degraded findings, with the spec's limits. */
public final class HealthReport {

  private HealthReport() {}

  public static HealthEvaluator.Thresholds thresholds(ClusterModel model) {
    ClusterModel.Monitoring m = model.monitoring();
    return new HealthEvaluator.Thresholds(m.connectionsPercent(), m.cacheHitRatio());
  }

  public static List<HealthEvaluator.Finding> findings(ClusterModel model, HealthCheck.Result result) {
    return HealthEvaluator.evaluate(result, thresholds(model));
  }

  /** {@code lastVacuum} is the previous status's value, or a fresh VacuumAnalyze summary. */
  public static HealthStatus status(HealthCheck.Result result, Instant checkedAt, String lastVacuum) {
    HealthStatus status = new HealthStatus();
    status.setCheckedAt(checkedAt.truncatedTo(ChronoUnit.SECONDS).toString());
    status.setConnections(result.connections());
    status.setMaxConnections(result.maxConnections());
    status.setDatabaseSizeBytes(result.databaseSizeBytes());
    status.setCacheHitRatio(String.format(Locale.ROOT, "%.4f", result.cacheHitRatio()));
    status.setUnusedIndexes(result.unusedIndexes());
    status.setDuplicateIndexes(result.duplicateIndexes());
    status.setLongestQuerySeconds(result.longestQuerySeconds());
    status.setBlockedSessions(result.blockedSessions());
    status.setIdleInTransactionSeconds(result.idleInTransactionSeconds());
    status.setTransactionIdAge(result.transactionIdAge());
    status.setStreamingReplicas(result.streamingReplicas());
    status.setSynchronousReplicas(result.synchronousReplicas());
    status.setLastVacuum(lastVacuum);
    return status;
  }
}
