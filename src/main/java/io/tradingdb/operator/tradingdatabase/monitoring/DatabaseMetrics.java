package io.tradingdb.operator.tradingdatabase.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableStatus;
import io.tradingdb.operator.postgres.VacuumAnalyze;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operator's metrics of in-database maintenance per TradingDatabase: the last scheduled VACUUM
 * ANALYZE (duration, success, when) and, per declared hypertable and policy, whether the job's last
 * run failed. Labels follow the backup metrics: {@code namespace} is the operator's own at scrape time.
 */
public final class DatabaseMetrics {

  public static final List<String> LABELS = List.of("tradingdatabase_namespace", "tradingdatabase");
  public static final String VACUUM_DURATION = "tradingdb_vacuum_analyze_last_duration_seconds";
  public static final String VACUUM_SUCCEEDED = "tradingdb_vacuum_analyze_last_succeeded";
  public static final String VACUUM_TIMESTAMP = "tradingdb_vacuum_analyze_last_run_timestamp_seconds";
  public static final String POLICY_JOB_FAILED = "tradingdb_timescaledb_policy_job_failed";
  public static final String VOLUME_USED_PERCENT = "tradingdb_volume_used_percent";
  public static final String VOLUME_CANNOT_GROW = "tradingdb_volume_autogrow_blocked";

  private final MeterRegistry registry;
  private final Map<String, Meter> meters = new ConcurrentHashMap<>();
  private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

  public DatabaseMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Metrics that go nowhere, for callers without a registry. */
  public static DatabaseMetrics discarded() {
    return new DatabaseMetrics(new SimpleMeterRegistry());
  }

  public void vacuum(String namespace, String cluster, VacuumAnalyze.Result result) {
    Tags tags = Tags.of(LABELS.get(0), namespace, LABELS.get(1), cluster);
    set(VACUUM_DURATION, tags, result.duration().toMillis() / 1000.0, "Seconds the last scheduled VACUUM ANALYZE took");
    set(VACUUM_SUCCEEDED, tags, result.succeeded() ? 1 : 0, "1 if the last scheduled VACUUM ANALYZE succeeded on every table");
    set(VACUUM_TIMESTAMP, tags, result.startedAt().getEpochSecond(), "Unix time the last scheduled VACUUM ANALYZE started");
  }

  /** One series per declared hypertable and policy: 1 when its job's last run failed. */
  public void policies(String namespace, String cluster, List<HypertableStatus> tables) {
    for (HypertableStatus t : tables) {
      if (t.getPolicies() == null) {
        continue;
      }
      for (HypertableStatus.PolicyJob job : t.getPolicies()) {
        Tags tags = Tags.of(LABELS.get(0), namespace, LABELS.get(1), cluster,
            "hypertable", t.getSchema() + "." + t.getName(), "policy", job.getPolicy());
        set(POLICY_JOB_FAILED, tags, "Failed".equalsIgnoreCase(job.getLastResult()) ? 1 : 0,
            "1 if the last run of this TimescaleDB policy job failed");
      }
    }
  }

  /**
   * One series per claim of a volume with autoGrow: its usage as the kubelet last reported it, and 1
   * when it needs to grow and cannot (maximum reached, or the StorageClass does not allow expansion).
   */
  public void volume(String namespace, String cluster, String claim, String volume, Integer usedPercent, boolean blocked) {
    Tags tags = Tags.of(LABELS.get(0), namespace, LABELS.get(1), cluster, "persistentvolumeclaim", claim, "volume", volume);
    if (usedPercent != null) {
      set(VOLUME_USED_PERCENT, tags, usedPercent, "Percent of the volume's filesystem in use (kubelet volume stats)");
    }
    set(VOLUME_CANNOT_GROW, tags, blocked ? 1 : 0,
        "1 if the volume is past its autoGrow threshold and cannot grow (at maxSize, or no volume expansion)");
  }

  private void set(String name, Tags tags, double value, String description) {
    String key = name + tags;
    values.computeIfAbsent(key, k -> {
      AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
      meters.put(k, Gauge.builder(name, holder, AtomicReference::get).description(description).tags(tags)
          .register(registry));
      return holder;
    }).set(value);
  }
}
