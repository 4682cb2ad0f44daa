package io.tradingdb.operator.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns a health check into the reasons a cluster is Degraded; pure, so every rule is testable. */
public final class HealthEvaluator {

  /**
   * The limits, as resolved from spec.monitoring.alerts (the same ones the alert rules use). The
   * database-size threshold is a notification only (an info alert), so it is not judged here.
   */
  public record Thresholds(int connectionsPercent, double cacheHitRatio) {}

  /** Why the cluster is Degraded: a CamelCase reason and a message for people. */
  public record Finding(String reason, String message) {}

  private HealthEvaluator() {}

  /** Empty when healthy; otherwise the findings, most urgent first. */
  public static List<Finding> evaluate(HealthCheck.Result health, Thresholds limits) {
    List<Finding> findings = new ArrayList<>();
    if (health.walArchiveFailing()) {
      // First: unarchived WAL fills the volume, and point-in-time recovery stops at the last archived segment.
      findings.add(new Finding("WalArchivingFailing",
          "archive_command is failing: WAL is not reaching the pgBackRest repository and piles up in pg_wal "
              + "(see the PostgreSQL log and pg_stat_archiver)"));
    }
    int allowed = health.maxConnections() * limits.connectionsPercent() / 100;
    if (health.maxConnections() > 0 && health.connections() > allowed) {
      findings.add(new Finding("ConnectionsHigh", String.format(Locale.ROOT,
          "%d of %d connections in use, above the %d%% threshold", health.connections(),
          health.maxConnections(), limits.connectionsPercent())));
    }
    if (health.cacheBlocks() >= HealthCheck.MIN_CACHE_BLOCKS && health.cacheHitRatio() < limits.cacheHitRatio()) {
      findings.add(new Finding("CacheHitRatioLow", String.format(Locale.ROOT,
          "cache-hit ratio %.4f is below %s", health.cacheHitRatio(), limits.cacheHitRatio())));
    }
    return List.copyOf(findings);
  }

  /** One reason and message for the Degraded condition, or null when healthy. */
  public static Finding summary(List<Finding> findings) {
    if (findings.isEmpty()) {
      return null;
    }
    String message = String.join("; ", findings.stream().map(Finding::message).toList());
    return new Finding(findings.get(0).reason(), message);
  }
}
