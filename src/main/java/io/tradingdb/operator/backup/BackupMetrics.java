package io.tradingdb.operator.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopyResult;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupRecord;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.kube.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics per BackupSchedule: last success and failure times, the time by which the next
 * success is due, size and duration, whether the last backup and the last restore test succeeded,
 * and failure counters. Labels are {@link #LABELS}, the ones the alert rules and the dashboard
 * select: {@code namespace} would be overwritten with the operator's own namespace at scrape time.
 */
public final class BackupMetrics {

  /** The TradingDatabase's namespace, its name (empty for an external target) and the schedule's name. */
  public static final List<String> LABELS = List.of("tradingdatabase_namespace", "tradingdatabase", "backupschedule");
  public static final String LAST_SUCCESS = "tradingdb_backup_last_success_timestamp_seconds";
  public static final String LAST_FAILURE = "tradingdb_backup_last_failure_timestamp_seconds";
  public static final String SUCCESS_DEADLINE = "tradingdb_backup_success_deadline_timestamp_seconds";
  public static final String FAILURES = "tradingdb_backup_failures_total";
  public static final String VERIFICATION_FAILURES = "tradingdb_backup_verification_failures_total";
  /** Per spec.copies destination, with the extra label {@link #COPY_LABEL}: 1 when the last successful backup's copy succeeded. */
  public static final String COPY_LAST_SUCCEEDED = "tradingdb_backup_copy_last_succeeded";
  public static final String COPY_LAST_DURATION = "tradingdb_backup_copy_last_duration_seconds";
  public static final String COPY_FAILURES = "tradingdb_backup_copy_failures_total";
  public static final String COPY_LABEL = "copy";

  private final MeterRegistry registry;
  private final Map<String, Values> schedules = new ConcurrentHashMap<>();

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Mutable holders the gauges read. */
  static final class Values {
    // 0 means never: a NaN would make "failure newer than success" and "past the deadline" silently false.
    volatile double lastSuccessSeconds;
    volatile double lastFailureSeconds;
    volatile double successDeadlineSeconds = Double.NaN;
    volatile double lastSizeBytes = Double.NaN;
    volatile double lastDurationSeconds = Double.NaN;
    volatile double lastSucceeded = Double.NaN;
    volatile double verificationSucceeded = Double.NaN;
    final List<Meter> meters = new ArrayList<>();
    final Map<String, CopyValues> copies = new ConcurrentHashMap<>();
    /** Failed Jobs already counted: two reconciles racing on one stale status must not count one failure twice. */
    final java.util.Set<String> countedJobs = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > 200;
      }
    });
  }

  /** What the copy gauges of one spec.copies destination read. */
  static final class CopyValues {
    volatile double lastSucceeded = Double.NaN;
    volatile double lastDurationSeconds = Double.NaN;
  }

  /**
   * @param cluster the target TradingDatabase's name, or null for an external database
   * @param successDeadline when the next successful backup is due at the latest (null: suspended or no schedule)
   */
  public void record(String namespace, String name, String cluster, BackupScheduleStatus status,
      List<BackupStatusCalculator.Finding> findings, Instant successDeadline) {
    Tags tags = tags(namespace, name, cluster);
    Values v = schedules.computeIfAbsent(namespace + "/" + name, k -> register(tags));
    v.successDeadlineSeconds = successDeadline == null ? Double.NaN : successDeadline.getEpochSecond();
    if (status.getLastFailureTime() != null) {
      v.lastFailureSeconds = Instant.parse(status.getLastFailureTime()).getEpochSecond();
    }
    BackupRecord last = status.getLastBackup();
    if (last != null) {
      v.lastSuccessSeconds = Instant.parse(last.getCompletedAt()).getEpochSecond();
      v.lastSizeBytes = last.getSizeBytes() == null ? Double.NaN : last.getSizeBytes();
      v.lastDurationSeconds = last.getDurationSeconds() == null ? Double.NaN : last.getDurationSeconds();
      if (last.getCopies() != null) {
        for (BackupCopyResult copy : last.getCopies()) {
          CopyValues c = v.copies.computeIfAbsent(copy.getName(), n -> registerCopy(v, tags.and(COPY_LABEL, n)));
          c.lastSucceeded = "Succeeded".equals(copy.getResult()) ? 1 : 0;
          c.lastDurationSeconds = copy.getDurationSeconds() == null ? Double.NaN : copy.getDurationSeconds();
        }
      }
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
      if ("copy".equals(f.kind())) {
        // The first copy finding of a Job counts each of its failed copies once.
        for (BackupCopyResult copy : f.backup() == null || f.backup().getCopies() == null ? List.<BackupCopyResult>of() : f.backup().getCopies()) {
          if (!"Succeeded".equals(copy.getResult())) {
            registry.counter(COPY_FAILURES, tags.and(COPY_LABEL, copy.getName())).increment();
          }
        }
      } else if ("BackupFailed".equals(f.reason())) {
        registry.counter(FAILURES, tags).increment();
      } else if ("VerificationFailed".equals(f.reason())) {
        registry.counter(VERIFICATION_FAILURES, tags).increment();
      }
    }
  }

  public void remove(String namespace, String name) {
    Values v = schedules.remove(namespace + "/" + name);
    if (v != null) {
      v.meters.forEach(registry::remove);
    }
    Tags tags = Tags.of(LABELS.get(0), namespace, LABELS.get(2), name);
    for (String counter : List.of(FAILURES, VERIFICATION_FAILURES, COPY_FAILURES)) {
      for (Counter c : registry.find(counter).tags(tags).counters()) {
        registry.remove(c);
      }
    }
  }

  static Tags tags(String namespace, String name, String cluster) {
    return Tags.of(LABELS.get(0), namespace, LABELS.get(1), cluster == null ? "" : cluster, LABELS.get(2), name);
  }

  private CopyValues registerCopy(Values v, Tags tags) {
    CopyValues c = new CopyValues();
    v.meters.add(Gauge.builder(COPY_LAST_SUCCEEDED, c, x -> x.lastSucceeded)
        .description("1 when the last successful backup was copied to this spec.copies destination, 0 when the copy failed")
        .tags(tags).register(registry));
    v.meters.add(Gauge.builder(COPY_LAST_DURATION, c, x -> x.lastDurationSeconds)
        .description("Seconds the last copy to this destination took").tags(tags).register(registry));
    registry.counter(COPY_FAILURES, tags);
    return c;
  }

  private Values register(Tags tags) {
    Values v = new Values();
    v.meters.add(Gauge.builder(LAST_SUCCESS, v, x -> x.lastSuccessSeconds)
        .description("Unix time when the last successful backup finished, 0 if none has").tags(tags).register(registry));
    v.meters.add(Gauge.builder(LAST_FAILURE, v, x -> x.lastFailureSeconds)
        .description("Unix time when the last failed backup finished, 0 if none has").tags(tags).register(registry));
    v.meters.add(Gauge.builder(SUCCESS_DEADLINE, v, x -> x.successDeadlineSeconds)
        .description("Unix time by which a successful backup is overdue: two scheduled runs plus the Job's "
            + "deadline after the last success (or the schedule's creation)").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_last_size_bytes", v, x -> x.lastSizeBytes)
        .description("Stored size of the last successful backup").baseUnit("bytes").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_last_duration_seconds", v, x -> x.lastDurationSeconds)
        .description("Duration of the last successful backup").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_last_succeeded", v, x -> x.lastSucceeded)
        .description("1 when LastBackupSucceeded is True, 0 when False").tags(tags).register(registry));
    v.meters.add(Gauge.builder("tradingdb_backup_verification_succeeded", v, x -> x.verificationSucceeded)
        .description("1 when the last restore test passed, 0 when it failed").tags(tags).register(registry));
    registry.counter(FAILURES, tags);
    return v;
  }
}
