package io.tradingdb.operator.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupRecord;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.kube.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics per BackupSchedule, tagged by namespace and name: last success time, size and
 * duration, whether the last backup and the last restore test succeeded, and failure counters.
 */
public final class BackupMetrics {

  private final MeterRegistry registry;
  private final Map<String, Values> schedules = new ConcurrentHashMap<>();

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Mutable holders the gauges read. */
  static final class Values {
    volatile double lastSuccessSeconds = Double.NaN;
    volatile double lastSizeBytes = Double.NaN;
    volatile double lastDurationSeconds = Double.NaN;
    volatile double lastSucceeded = Double.NaN;
    volatile double verificationSucceeded = Double.NaN;
    final List<Meter> meters = new ArrayList<>();
    /** Failed Jobs already counted: two reconciles racing on one stale status must not count one failure twice. */
    final java.util.Set<String> countedJobs = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > 200;
      }
    });
  }

  public void record(String namespace, String name, BackupScheduleStatus status,
      List<BackupStatusCalculator.Finding> findings) {
    Tags tags = Tags.of("namespace", namespace, "name", name);
    Values v = schedules.computeIfAbsent(namespace + "/" + name, k -> register(tags));
    BackupRecord last = status.getLastBackup();
    if (last != null) {
      v.lastSuccessSeconds = Instant.parse(last.getCompletedAt()).getEpochSecond();
      v.lastSizeBytes = last.getSizeBytes() == null ? Double.NaN : last.getSizeBytes();
      v.lastDurationSeconds = last.getDurationSeconds() == null ? Double.NaN : last.getDurationSeconds();
    }
    Conditions.find(status.getConditions(), BackupStatusCalculator.LAST_BACKUP_SUCCEEDED)
        .ifPresent(c -> v.lastSucceeded = "True".equals(c.getStatus()) ? 1 : 0);
    if (status.getLastVerification() != null) {
      v.verificationSucceeded = "Succeeded".equals(status.getLastVerification().getResult()) ? 1 : 0;
    }
    for (BackupStatusCalculator.Finding f : findings) {
      String job = f.backup() == null ? null : f.backup().getJob();
      if (job != null && !v.countedJobs.add(f.kind() + "/" + job)) {
        continue;
      }
      if ("BackupFailed".equals(f.reason())) {
        registry.counter("tradingdb_backup_failures_total", tags).increment();
      } else if ("VerificationFailed".equals(f.reason())) {
        registry.counter("tradingdb_backup_verification_failures_total", tags).increment();
      }
    }
  }

  public void remove(String namespace, String name) {
    Values v = schedules.remove(namespace + "/" + name);
    if (v != null) {
      v.meters.forEach(registry::remove);
    }
    Tags tags = Tags.of("namespace", namespace, "name", name);
    for (String counter : List.of("tradingdb_backup_failures_total", "tradingdb_backup_verification_failures_total")) {
      Counter c = registry.find(counter).tags(tags).counter();
      if (c != null) {
        registry.remove(c);
      }
    }
  }

  private Values register(Tags tags) {
    Values v = new Values();
    v.meters.add(Gauge.builder("tradingdb_backup_last_success_timestamp_seconds", v, x -> x.lastSuccessSeconds)
        .description("Unix time when the last successful backup finished").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_last_size_bytes", v, x -> x.lastSizeBytes)
        .description("Stored size of the last successful backup").baseUnit("bytes").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_last_duration_seconds", v, x -> x.lastDurationSeconds)
        .description("Duration of the last successful backup").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_last_succeeded", v, x -> x.lastSucceeded)
        .description("1 when LastBackupSucceeded is True, 0 when False").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_verification_succeeded", v, x -> x.verificationSucceeded)
        .description("1 when the last restore test passed, 0 when it failed").tags(tags).register(registry));
    registry.counter("tradingdb_backup_failures_total", tags);
    return v;
  }
}
