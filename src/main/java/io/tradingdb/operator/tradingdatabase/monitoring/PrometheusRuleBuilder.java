package io.tradingdb.operator.tradingdatabase.monitoring;

import static io.tradingdb.operator.tradingdatabase.monitoring.PrometheusOperatorKinds.ordered;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.backup.BackupMetrics;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The alert rules for one TradingDatabase, thresholds from spec.monitoring.alerts. Database series
 * carry the {@code tradingdatabase} label from the PodMonitor; backup series come from the
 * operator's own /metrics with {@link BackupMetrics#LABELS}. Every alert carries the cluster's
 * {@code namespace} and {@code tradingdatabase} labels, which Alertmanager routes on.
 */
public final class PrometheusRuleBuilder {

  private static final String BY_POD = "by (namespace, tradingdatabase, pod)";

  /** The highest value of {@code metric} per instance of this cluster. */
  private static String perPod(String metric, String db) {
    return "max " + BY_POD + " (" + metric + "{" + db + "})";
  }
  private static final String BY_SCHEDULE = "by (" + String.join(", ", BackupMetrics.LABELS) + ")";

  private PrometheusRuleBuilder() {}

  public static GenericKubernetesResource build(ClusterModel model) {
    return PrometheusOperatorKinds.resource(
        "PrometheusRule", model.names().prometheusRule(), model, ordered("groups", groups(model)));
  }

  /** The rule groups, also what {@code promtool check rules} reads. */
  public static List<Map<String, Object>> groups(ClusterModel model) {
    ClusterModel.Monitoring m = model.monitoring();
    String db = "namespace=\"" + model.names().namespace() + "\",tradingdatabase=\""
        + model.names().cluster() + "\"";
    String backup = BackupMetrics.LABELS.get(0) + "=\"" + model.names().namespace()
        + "\"," + BackupMetrics.LABELS.get(1) + "=\"" + model.names().cluster() + "\"";
    long sizeBytes = Math.round(m.databaseSizeGiB() * 1024 * 1024 * 1024);
    String hit = "sum " + BY_POD + " (rate(tradingdb_cache_blocks_hit{" + db + "}[10m]))";
    String read = "sum " + BY_POD + " (rate(tradingdb_cache_blocks_read{" + db + "}[10m]))";
    List<Map<String, Object>> rules = new ArrayList<>(List.of(
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
            "30m", "info",
            "Database larger than " + format(m.databaseSizeGiB()) + " GiB",
            "{{ $labels.datname }} is {{ $value | humanize1024 }}B; check retention and compression policies."),
        alert("TradingDbCacheHitRatioLow",
            hit + " / (" + hit + " + " + read + ") < " + format(m.cacheHitRatio()),
            "15m", "warning",
            "Buffer cache-hit ratio below " + format(m.cacheHitRatio()),
            "{{ $labels.pod }} finds only {{ $value | humanizePercentage }} of blocks in shared buffers."),
        alert("TradingDbReplicationLag",
            perPod("tradingdb_replica_lag_seconds", db) + " > " + m.replicationLagSeconds(),
            "2m", "critical",
            "Replica more than " + m.replicationLagSeconds() + "s behind",
            "{{ $labels.pod }} replays WAL {{ $value | humanizeDuration }} behind the primary."),
        alert("TradingDbBackupStale",
            "time() - max " + BY_SCHEDULE + " (" + BackupMetrics.LAST_SUCCESS + "{" + backup + "}) and on ("
                + String.join(", ", BackupMetrics.LABELS) + ") (max " + BY_SCHEDULE + " ("
                + BackupMetrics.SUCCESS_DEADLINE + "{" + backup + "}) < time())",
            "5m", "critical",
            "No successful backup within two scheduled runs",
            "BackupSchedule {{ $labels.backupschedule }} missed two scheduled runs and its Job deadline: "
                + "{{ if gt $value 1e9 }}no backup has ever succeeded{{ else }}the last successful backup "
                + "finished {{ $value | humanizeDuration }} ago{{ end }}. See kubectl describe backupschedule "
                + "{{ $labels.backupschedule }}."),
        alert("TradingDbBackupFailed",
            "max " + BY_SCHEDULE + " (" + BackupMetrics.LAST_FAILURE + "{" + backup + "}) > max " + BY_SCHEDULE
                + " (" + BackupMetrics.LAST_SUCCESS + "{" + backup + "})",
            "0m", "warning",
            "The last backup failed",
            "BackupSchedule {{ $labels.backupschedule }}: the backup that finished at "
                + "{{ $value | humanizeTimestamp }} failed and none has succeeded since. Its reason is in "
                + "kubectl describe backupschedule {{ $labels.backupschedule }}."),
        alert("TradingDbBackupCopyFailed",
            "max by (" + String.join(", ", BackupMetrics.LABELS) + ", " + BackupMetrics.COPY_LABEL + ") ("
                + BackupMetrics.COPY_LAST_SUCCEEDED + "{" + backup + "}) == 0",
            "0m", "warning",
            "The last backup was not copied off-site",
            "BackupSchedule {{ $labels.backupschedule }}: the last successful backup was not copied to "
                + "{{ $labels.copy }}; the backup itself is fine. The reason is in condition LastCopySucceeded "
                + "of kubectl describe backupschedule {{ $labels.backupschedule }}."),
        alert("TradingDbWalArchivingFailing",
            perPod("tradingdb_wal_archive_failing", db) + " == 1",
            "5m", "critical",
            "WAL archiving to pgBackRest is failing",
            "{{ $labels.pod }}: archive_command fails, so WAL piles up in pg_wal and point-in-time "
                + "recovery stops at the last archived segment."),
        alert("TradingDbPoolerClientsWaiting",
            perPod("pgbouncer_pools_client_maxwait_seconds", db) + " > " + m.poolerWaitSeconds(),
            "2m", "warning",
            "Clients wait more than " + m.poolerWaitSeconds() + "s for a pooled connection",
            "{{ $labels.pod }} kept a client waiting {{ $value | humanizeDuration }}; raise "
                + "spec.pooler.defaultPoolSize or find the long transactions."),
        alert("TradingDbExporterCannotConnect",
            // A scrape that times out leaves no pg_up at all; the target's own up series says so.
            perPod("pg_up", db) + " == 0 or max " + BY_POD + " (up{" + db
                + ",component=\"postgresql\"}) == 0",
            "5m", "warning",
            "The metrics exporter cannot reach PostgreSQL",
            "{{ $labels.pod }}: the exporter cannot query PostgreSQL or cannot be scraped, so the other "
                + "alerts are blind.")));
    rules.addAll(checks(model, db));
    if (model.profile() == Profile.PRODUCTION) {
      // absent(): no BackupSchedule at all must raise this too, not leave an empty result.
      rules.add(alert("TradingDbNoSuccessfulBackup",
          "absent(max(" + BackupMetrics.LAST_SUCCESS + "{" + backup + "}) > 0)",
          "1h", "critical",
          "Production database without a successful backup",
          model.names().cluster() + " has the production profile but no BackupSchedule targeting it has "
              + "ever completed a backup (or none exists, or the operator's metrics are not scraped)."));
    }
    if (!model.hypertables().isEmpty()) {
      String cluster = DatabaseMetrics.LABELS.get(0) + "=\"" + model.names().namespace() + "\","
          + DatabaseMetrics.LABELS.get(1) + "=\"" + model.names().cluster() + "\"";
      rules.add(alert("TradingDbTimescaleJobFailed",
          "max by (" + String.join(", ", DatabaseMetrics.LABELS) + ", hypertable, policy) ("
              + DatabaseMetrics.POLICY_JOB_FAILED + "{" + cluster + "}) == 1",
          "0m", "warning",
          "A TimescaleDB retention or compression job failed",
          "The last run of the {{ $labels.policy }} policy of {{ $labels.hypertable }} failed, so old chunks "
              + "are not dropped or compressed. See timescaledb_information.job_errors and the TradingDatabase's "
              + "status.hypertables."));
    }
    if (model.data().autoGrow().enabled() || model.wal().map(w -> w.autoGrow().enabled()).orElse(false)) {
      String cluster = DatabaseMetrics.LABELS.get(0) + "=\"" + model.names().namespace() + "\","
          + DatabaseMetrics.LABELS.get(1) + "=\"" + model.names().cluster() + "\"";
      rules.add(alert("TradingDbVolumeCannotGrow",
          "max by (" + String.join(", ", DatabaseMetrics.LABELS) + ", persistentvolumeclaim, volume) ("
              + DatabaseMetrics.VOLUME_CANNOT_GROW + "{" + cluster + "}) == 1",
          "0m", "critical",
          "A volume is past its autoGrow threshold and cannot grow",
          "{{ $labels.persistentvolumeclaim }} ({{ $labels.volume }}) needs to grow and cannot: it is at "
              + "spec.storage.{{ $labels.volume }}.autoGrow.maxSize, or its StorageClass does not allow volume "
              + "expansion. PostgreSQL stops when it fills. See the TradingDatabase's Degraded condition."));
    }
    for (Map<String, Object> rule : rules) {
      @SuppressWarnings("unchecked")
      Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
      labels.put("namespace", model.names().namespace());
      labels.put("tradingdatabase", model.names().cluster());
    }
    return List.of(ordered(
        "name", "tradingdb." + model.names().namespace() + "." + model.names().cluster(),
        "rules", rules));
  }

  /** The guide's further checks: disk, locks, long and idle transactions, wraparound, vacuum. */
  private static List<Map<String, Object>> checks(ClusterModel model, String db) {
    ClusterModel.Checks c = model.monitoring().checks();
    String claims = "namespace=\"" + model.names().namespace() + "\",persistentvolumeclaim=~\"(pgdata|pgwal)-"
        + model.names().cluster() + "-[0-9]+\"";
    String byClaim = "by (namespace, persistentvolumeclaim)";
    String usage = "100 * max " + byClaim + " (kubelet_volume_stats_used_bytes{" + claims + "}) / max " + byClaim
        + " (kubelet_volume_stats_capacity_bytes{" + claims + "})";
    String byTable = "by (namespace, tradingdatabase, schemaname, relname)";
    return List.of(
        alert("TradingDbDiskUsageHigh", usage + " > " + c.diskUsagePercent(), "5m", "warning",
            "Volume more than " + c.diskUsagePercent() + "% full",
            "{{ $labels.persistentvolumeclaim }} is {{ $value | printf \"%.0f\" }}% full; grow spec.storage "
                + "(volumes are expanded in place) or free space."),
        alert("TradingDbDiskUsageCritical", usage + " > " + c.diskUsageCriticalPercent(), "2m", "critical",
            "Volume more than " + c.diskUsageCriticalPercent() + "% full",
            "{{ $labels.persistentvolumeclaim }} is {{ $value | printf \"%.0f\" }}% full; PostgreSQL stops "
                + "when the data or WAL volume is full."),
        alert("TradingDbLockWait",
            perPod("tradingdb_locks_longest_wait_seconds", db) + " > " + c.lockWaitSeconds(),
            "1m", "warning",
            "A session waits more than " + c.lockWaitSeconds() + "s for a lock",
            "{{ $labels.pod }}: a session has waited {{ $value | humanizeDuration }} for a lock; "
                + "pg_blocking_pids() in pg_stat_activity names the blocker."),
        alert("TradingDbLongRunningQuery",
            perPod("tradingdb_longest_query_seconds", db) + " > " + c.longRunningQuerySeconds(),
            "1m", "warning",
            "A query runs longer than " + c.longRunningQuerySeconds() + "s",
            "{{ $labels.pod }}: a query has been running for {{ $value | humanizeDuration }}."),
        alert("TradingDbIdleInTransaction",
            perPod("tradingdb_longest_query_idle_in_transaction_seconds", db) + " > "
                + c.idleInTransactionSeconds(),
            "1m", "warning",
            "A transaction is left idle longer than " + c.idleInTransactionSeconds() + "s",
            "{{ $labels.pod }}: a transaction has been idle for {{ $value | humanizeDuration }}; it holds its "
                + "locks and keeps VACUUM from removing dead rows."),
        alert("TradingDbTransactionIdWraparound",
            "max by (namespace, tradingdatabase, datname) (tradingdb_wraparound_transaction_id_age{" + db + "}) > "
                + c.transactionIdAge(),
            "10m", "critical",
            "Transaction ID age above " + c.transactionIdAge(),
            "{{ $labels.datname }} is {{ $value | humanize }} transactions old; PostgreSQL stops writes near "
                + "2.1 billion. Find what blocks autovacuum's freezing (long transactions, replication slots)."),
        alert("TradingDbAutovacuumOff",
            "min " + BY_POD + " (tradingdb_autovacuum_enabled{" + db + "}) == 0",
            "10m", "warning",
            "Autovacuum is turned off",
            "{{ $labels.pod }}: autovacuum or track_counts is off, so dead rows pile up and tables are not "
                + "frozen against wraparound."),
        alert("TradingDbAutovacuumDisabledTables",
            perPod("tradingdb_autovacuum_disabled_tables", db) + " > 0",
            "10m", "warning",
            "Autovacuum is disabled on some tables",
            "{{ $labels.pod }}: {{ $value }} tables have autovacuum_enabled = false; dead rows there are "
                + "removed only by a manual VACUUM."),
        alert("TradingDbDeadTuplesNotVacuumed",
            "max " + byTable + " (tradingdb_table_maintenance_dead_tuples{" + db + "}) > " + c.deadTuples()
                + " and on (namespace, tradingdatabase, schemaname, relname) (time() - max " + byTable
                + " (tradingdb_table_maintenance_last_autovacuum_timestamp_seconds{" + db + "}) > 86400)",
            "30m", "warning",
            "More than " + c.deadTuples() + " dead rows and no autovacuum for a day",
            "{{ $labels.schemaname }}.{{ $labels.relname }} has {{ $value | humanize }} dead rows and autovacuum "
                + "has not run on it for a day; check its autovacuum settings and long transactions."),
        alert("TradingDbChecksumFailures",
            perDatabase("checksum_failures", db, c) + " > 0",
            "0m", "critical",
            "Data page checksum failures",
            "{{ $labels.datname }}: PostgreSQL read pages whose checksum does not match, a sign of storage "
                + "corruption; see the server log for the relations and restore from a backup."),
        alert("TradingDbDeadlocks",
            perDatabase("deadlocks", db, c) + " >= " + c.deadlocks(),
            "0m", "warning",
            c.deadlocks() + " or more deadlocks within " + c.errorWindow(),
            "{{ $labels.datname }}: {{ $value | printf \"%.0f\" }} deadlocks in the last " + c.errorWindow()
                + "; each aborted a transaction. The server log names the statements and locks."),
        alert("TradingDbTempFilesLarge",
            perDatabase("temp_bytes", db, c) + " > " + c.tempFileBytes(),
            "0m", "warning",
            "More than " + humanBytes(c.tempFileBytes()) + " written to temporary files within " + c.errorWindow(),
            "{{ $labels.datname }}: queries wrote {{ $value | humanize1024 }}B to temporary files in the last "
                + c.errorWindow() + " because their sorts and hashes exceeded work_mem; the server log names "
                + "them when log_temp_files is set."));
  }

  /** How much a pg_stat_database counter grew per database within the error window. */
  private static String perDatabase(String counter, String db, ClusterModel.Checks c) {
    return "sum by (namespace, tradingdatabase, datname) (increase(tradingdb_database_errors_" + counter + "{"
        + db + "}[" + c.errorWindow() + "]))";
  }

  /** Bytes as the quantity a user writes (10Gi), when the amount is a whole number of a binary unit. */
  private static String humanBytes(long bytes) {
    String[] units = {"Pi", "Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (units.length - i));
      if (bytes >= unit && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return bytes + " bytes";
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
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
