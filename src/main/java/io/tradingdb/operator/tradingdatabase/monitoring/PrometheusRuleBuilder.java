package io.tradingdb.operator.tradingdatabase.monitoring;

import static io.tradingdb.operator.tradingdatabase.monitoring.PrometheusOperatorResources.ordered;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The alert rules for one TradingDatabase, thresholds from spec.monitoring.alerts. Database series
 * carry the {@code tradingdatabase} label from the PodMonitor; backup series come from the
 * operator's own /metrics with {@code tradingdatabase_namespace} and {@code tradingdatabase}.
 */
public final class PrometheusRuleBuilder {

  /** Daily backups plus two hours of slack. */
  public static final int BACKUP_STALE_HOURS = 26;
  public static final String BACKUP_SUCCESS_METRIC = "tradingdb_backup_last_success_timestamp_seconds";
  public static final String BACKUP_FAILURES_METRIC = "tradingdb_backup_failures_total";

  private static final String BY_POD = "by (namespace, tradingdatabase, pod)";

  private PrometheusRuleBuilder() {}

  public static GenericKubernetesResource build(ClusterModel model) {
    return PrometheusOperatorResources.resource(
        "PrometheusRule", model.names().prometheusRule(), model, ordered("groups", groups(model)));
  }

  /** The rule groups, also what {@code promtool check rules} reads. */
  public static List<Map<String, Object>> groups(ClusterModel model) {
    ClusterModel.Monitoring m = model.monitoring();
    String db = "namespace=\"" + model.names().namespace() + "\",tradingdatabase=\""
        + model.names().cluster() + "\"";
    String backup = "tradingdatabase_namespace=\"" + model.names().namespace()
        + "\",tradingdatabase=\"" + model.names().cluster() + "\"";
    long sizeBytes = m.databaseSizeGiB() * 1024L * 1024 * 1024;
    String hit = "sum " + BY_POD + " (rate(tradingdb_cache_blocks_hit{" + db + "}[10m]))";
    String read = "sum " + BY_POD + " (rate(tradingdb_cache_blocks_read{" + db + "}[10m]))";
    List<Map<String, Object>> rules = List.of(
        alert("TradingDbConnectionsHigh",
            "100 * max " + BY_POD + " (tradingdb_connections_used{" + db + "}) / max " + BY_POD
                + " (tradingdb_connections_max{" + db + "}) > " + m.connectionsPercent(),
            "5m", "warning",
            "Connections above " + m.connectionsPercent() + "% of max_connections",
            "{{ $labels.pod }} uses {{ $value | printf \"%.0f\" }}% of max_connections; route "
                + "applications through the " + model.names().poolerService() + " Service."),
        alert("TradingDbDatabaseLarge",
            "max by (namespace, tradingdatabase, datname) (tradingdb_database_size_bytes{" + db + "}) > "
                + sizeBytes,
            "30m", "warning",
            "Database larger than " + m.databaseSizeGiB() + " GiB",
            "{{ $labels.datname }} is {{ $value | humanize1024 }}B; check retention and compression policies."),
        alert("TradingDbCacheHitRatioLow",
            hit + " / (" + hit + " + " + read + ") < " + format(m.cacheHitRatio()),
            "15m", "warning",
            "Buffer cache-hit ratio below " + format(m.cacheHitRatio()),
            "{{ $labels.pod }} finds only {{ $value | humanizePercentage }} of blocks in shared buffers."),
        alert("TradingDbReplicationLag",
            "max " + BY_POD + " (tradingdb_replica_lag_seconds{" + db + "}) > " + m.replicationLagSeconds(),
            "2m", "critical",
            "Replica more than " + m.replicationLagSeconds() + "s behind",
            "{{ $labels.pod }} replays WAL {{ $value | humanizeDuration }} behind the primary."),
        alert("TradingDbBackupStale",
            "time() - max by (tradingdatabase_namespace, tradingdatabase) (" + BACKUP_SUCCESS_METRIC
                + "{" + backup + "}) > " + BACKUP_STALE_HOURS * 3600,
            "10m", "critical",
            "No successful backup for " + BACKUP_STALE_HOURS + " hours",
            "The last successful backup finished {{ $value | humanizeDuration }} ago."),
        alert("TradingDbBackupFailed",
            "sum by (tradingdatabase_namespace, tradingdatabase, backupschedule) (increase("
                + BACKUP_FAILURES_METRIC + "{" + backup + "}[1h])) > 0",
            "0m", "warning",
            "A backup failed",
            "BackupSchedule {{ $labels.backupschedule }} failed in the last hour."),
        alert("TradingDbWalArchivingFailing",
            "max " + BY_POD + " (tradingdb_wal_archive_failing{" + db + "}) == 1",
            "5m", "critical",
            "WAL archiving to pgBackRest is failing",
            "{{ $labels.pod }}: archive_command fails, so WAL piles up in pg_wal and point-in-time "
                + "recovery stops at the last archived segment."),
        alert("TradingDbPoolerClientsWaiting",
            "max " + BY_POD + " (pgbouncer_pools_client_maxwait_seconds{" + db + "}) > " + m.poolerWaitSeconds(),
            "2m", "warning",
            "Clients wait more than " + m.poolerWaitSeconds() + "s for a pooled connection",
            "{{ $labels.pod }} kept a client waiting {{ $value | humanizeDuration }}; raise "
                + "spec.pooler.defaultPoolSize or find the long transactions."),
        alert("TradingDbExporterCannotConnect",
            "max " + BY_POD + " (pg_up{" + db + "}) == 0",
            "5m", "warning",
            "The metrics exporter cannot reach PostgreSQL",
            "{{ $labels.pod }}: the exporter's queries fail, so the other alerts are blind."));
    return List.of(ordered(
        "name", "tradingdb." + model.names().namespace() + "." + model.names().cluster(),
        "rules", rules));
  }

  private static Map<String, Object> alert(
      String name, String expr, String duration, String severity, String summary, String description) {
    Map<String, Object> rule = ordered("alert", name, "expr", expr);
    if (!"0m".equals(duration)) {
      rule.put("for", duration);
    }
    rule.put("labels", ordered("severity", severity));
    rule.put("annotations", ordered("summary", summary, "description", description));
    return rule;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%s", value);
  }
}
