package io.tradingdb.operator.backup;

import io.tradingdb.operator.kube.CronSchedule;

import io.fabric8.kubernetes.api.model.Condition;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopyResult;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupRecord;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.api.v1alpha1.backupschedule.VerificationResult;
import io.tradingdb.operator.kube.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Status of a BackupSchedule from what its Jobs reported: a pure function of the previous status,
 * the observed Jobs and the clock. Jobs are pruned by the history limits, so facts already folded
 * into the status (recentBackups, lastBackup) are kept rather than recomputed.
 */
public final class BackupStatusCalculator {

  public static final String LAST_BACKUP_SUCCEEDED = "LastBackupSucceeded";
  public static final String LAST_COPY_SUCCEEDED = "LastCopySucceeded";
  public static final int RECENT_BACKUPS = 10;

  private BackupStatusCalculator() {}

  /**
   * What the reconciler observed.
   *
   * @param invalidMessage why the spec cannot be run (then nothing is scheduled), or null
   * @param schedule the cron schedule, timeZone, suspend and staleAfter (null when invalid)
   * @param lastScheduleTime the backup CronJob's status.lastScheduleTime, or null
   */
  public record Observed(
      long generation, Instant createdAt, String target, String invalidMessage, Schedule schedule,
      String lastScheduleTime, List<JobRun> runs, String onDemandToken) {}

  /** {@code crons}: every backup schedule (pgBackRest has one per backup type); any backup type counts. */
  public record Schedule(List<String> crons, String timeZone, boolean suspend, Duration staleAfter) {
    public Schedule(String cron, String timeZone, boolean suspend, Duration staleAfter) {
      this(List.of(cron), timeZone, suspend, staleAfter);
    }

    /** The earliest run of any of the schedules after {@code after}. */
    ZonedDateTime next(ZonedDateTime after, ZoneId zone) {
      return crons.stream().map(c -> CronSchedule.parse(c).next(after, zone))
          .filter(java.util.Objects::nonNull).min(java.util.Comparator.naturalOrder()).orElse(null);
    }
  }

  /**
   * When a successful backup is overdue for the alert rules: two scheduled runs after the last
   * success (or the schedule's creation) have passed, plus the time the second run's Job may take.
   * Derived from the schedule's own cron, so a weekly schedule gets a two-week window, not a day's.
   * Null when suspended or when the schedule never runs.
   */
  public static Instant successDeadline(Schedule schedule, Instant reference, long activeDeadlineSeconds) {
    if (schedule == null || schedule.suspend() || reference == null) {
      return null;
    }
    ZoneId zone = ZoneId.of(schedule.timeZone());
    ZonedDateTime first = schedule.next(reference.atZone(zone), zone);
    ZonedDateTime second = first == null ? null : schedule.next(first, zone);
    return second == null ? null : second.toInstant().plusSeconds(activeDeadlineSeconds);
  }

  /** Something that happened since the last status: becomes an Event and a metric update. */
  public record Finding(boolean warning, String reason, String message, String kind, BackupRecord backup) {}

  public record Outcome(BackupScheduleStatus status, List<Finding> findings) {}

  public static Outcome compute(BackupScheduleStatus previous, Observed in, Clock clock) {
    BackupScheduleStatus old = previous == null ? new BackupScheduleStatus() : previous;
    Instant now = clock.instant();
    List<Finding> findings = new ArrayList<>();
    BackupScheduleStatus s = new BackupScheduleStatus();
    s.setObservedGeneration(in.generation());
    s.setTarget(in.target());
    s.setLastScheduleTime(in.lastScheduleTime() != null ? in.lastScheduleTime() : old.getLastScheduleTime());
    s.setLastOnDemandToken(in.onDemandToken() != null ? in.onDemandToken() : old.getLastOnDemandToken());
    s.setLastVerification(old.getLastVerification());

    // Fold newly finished backup Jobs into the bounded history, newest first.
    List<BackupRecord> recent = new ArrayList<>(old.getRecentBackups() == null ? List.of() : old.getRecentBackups());
    Set<String> known = recent.stream().map(BackupRecord::getJob).filter(Objects::nonNull).collect(Collectors.toSet());
    List<JobRun> finishedBackups = in.runs().stream()
        .filter(r -> BackupWorkloads.JOB_KIND_BACKUP.equals(r.kind()) && r.state() != JobRun.State.RUNNING)
        .filter(r -> !known.contains(r.jobName()))
        .sorted(Comparator.comparing(JobRun::finishedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
    for (JobRun run : finishedBackups) {
      BackupRecord record = record(run, now);
      recent.add(0, record);
      findings.add(record.getResult().equals("Succeeded")
          ? new Finding(false, "BackupSucceeded", "backup " + record.getName() + " stored at " + record.getLocation()
              + " (" + record.getSizeBytes() + " bytes, " + record.getDurationSeconds() + " s)", "backup", record)
          : new Finding(true, "BackupFailed", record.getReason() + ": " + record.getMessage(), "backup", record));
      if ("Succeeded".equals(record.getResult()) && record.getCopies() != null) {
        for (BackupCopyResult copy : record.getCopies()) {
          findings.add("Succeeded".equals(copy.getResult())
              ? new Finding(false, "BackupCopySucceeded", "backup " + record.getName() + " copied to " + copy.getName()
                  + " at " + copy.getLocation() + " (" + copy.getDurationSeconds() + " s)", "copy", record)
              : new Finding(true, "BackupCopyFailed", "backup " + record.getName() + " was not copied to "
                  + copy.getName() + ": " + copy.getReason() + ": " + copy.getMessage(), "copy", record));
        }
      }
    }
    recent.sort(Comparator.comparing(BackupRecord::getCompletedAt, Comparator.nullsLast(Comparator.reverseOrder())));
    if (recent.size() > RECENT_BACKUPS) {
      recent = new ArrayList<>(recent.subList(0, RECENT_BACKUPS));
    }
    s.setRecentBackups(recent.isEmpty() ? null : recent);

    BackupRecord lastSuccess = newest(old.getLastBackup(), recent.stream().filter(r -> "Succeeded".equals(r.getResult())).findFirst().orElse(null));
    s.setLastBackup(lastSuccess);
    s.setLastSuccessTime(lastSuccess == null ? null : lastSuccess.getCompletedAt());
    BackupRecord lastFailure = recent.stream().filter(r -> "Failed".equals(r.getResult())).findFirst().orElse(null);
    if (lastFailure != null && (old.getLastFailureTime() == null || lastFailure.getCompletedAt().compareTo(old.getLastFailureTime()) >= 0)) {
      s.setLastFailureTime(lastFailure.getCompletedAt());
      s.setLastFailureReason(lastFailure.getReason() + ": " + lastFailure.getMessage());
    } else {
      s.setLastFailureTime(old.getLastFailureTime());
      s.setLastFailureReason(old.getLastFailureReason());
    }

    foldVerification(in.runs(), s, findings, now);

    List<Condition> conditions = old.getConditions();
    boolean running = in.runs().stream().anyMatch(r -> r.state() == JobRun.State.RUNNING
        && BackupWorkloads.JOB_KIND_BACKUP.equals(r.kind()));
    if (in.invalidMessage() != null) {
      boolean alreadyReported = Conditions.find(conditions, Conditions.READY)
          .filter(c -> "InvalidSpec".equals(c.getReason()) && in.invalidMessage().equals(c.getMessage())).isPresent();
      if (!alreadyReported) {
        // One Event per new reason to refuse the spec, not one per periodic recheck.
        findings.add(new Finding(true, "InvalidSpec", in.invalidMessage(), "spec", null));
      }
      conditions = Conditions.set(conditions, Conditions.READY, false, "InvalidSpec", in.invalidMessage(), in.generation(), clock);
      conditions = Conditions.set(conditions, Conditions.DEGRADED, true, "InvalidSpec", in.invalidMessage(), in.generation(), clock);
      s.setPhase("Invalid");
      s.setConditions(conditions);
      return new Outcome(s, findings);
    }
    Schedule schedule = in.schedule();
    ZoneId zone = ZoneId.of(schedule.timeZone());
    String cronText = schedule.crons().stream().map(c -> "'" + c + "'").collect(java.util.stream.Collectors.joining(", "));
    conditions = Conditions.set(conditions, Conditions.READY, true,
        schedule.suspend() ? "Suspended" : "Scheduled",
        schedule.suspend() ? "scheduling is suspended; on-demand backups still run"
            : "backups run on " + cronText + " (" + schedule.timeZone() + ")",
        in.generation(), clock);
    conditions = Conditions.set(conditions, Conditions.DEGRADED, false, schedule.suspend() ? "Suspended" : "Scheduled", "",
        in.generation(), clock);
    ZonedDateTime next = schedule.suspend() ? null : schedule.next(now.atZone(zone), zone);
    s.setNextScheduleTime(next == null ? null : format(next.toInstant()));

    BackupRecord newest = recent.isEmpty() ? null : recent.get(0);
    boolean wasFalse = Conditions.find(conditions, LAST_BACKUP_SUCCEEDED).map(c -> "False".equals(c.getStatus())).orElse(false);
    String oldReason = Conditions.find(conditions, LAST_BACKUP_SUCCEEDED).map(Condition::getReason).orElse(null);
    Instant reference = lastSuccess != null ? Instant.parse(lastSuccess.getCompletedAt()) : in.createdAt();
    ZonedDateTime due = reference == null ? null : schedule.next(reference.atZone(zone), zone);
    boolean overdue = !schedule.suspend() && due != null && now.isAfter(due.toInstant().plus(schedule.staleAfter()));
    if (newest != null && "Failed".equals(newest.getResult())) {
      conditions = Conditions.set(conditions, LAST_BACKUP_SUCCEEDED, false, newest.getReason(),
          "backup Job " + newest.getJob() + " failed: " + newest.getMessage(), in.generation(), clock);
    } else if (overdue) {
      String message = (lastSuccess == null ? "no backup has succeeded yet" : "no backup succeeded since " + lastSuccess.getCompletedAt())
          + "; the run due at " + format(due.toInstant()) + " plus staleAfter " + schedule.staleAfter().toMinutes() + "m has passed";
      conditions = Conditions.set(conditions, LAST_BACKUP_SUCCEEDED, false, "NoRecentBackup", message, in.generation(), clock);
      if (!"NoRecentBackup".equals(oldReason)) {
        findings.add(new Finding(true, "BackupOverdue", message, "backup", null));
      }
    } else if (lastSuccess != null) {
      conditions = Conditions.set(conditions, LAST_BACKUP_SUCCEEDED, true, "BackupSucceeded",
          "backup " + lastSuccess.getName() + " completed at " + lastSuccess.getCompletedAt(), in.generation(), clock);
    }
    conditions = copyCondition(conditions, lastSuccess, in.generation(), clock);
    s.setConditions(conditions);
    boolean failing = Conditions.find(conditions, LAST_BACKUP_SUCCEEDED).map(c -> "False".equals(c.getStatus())).orElse(wasFalse);
    s.setPhase(running ? "BackingUp" : schedule.suspend() ? "Suspended" : failing ? "Failing" : "Scheduled");
    return new Outcome(s, findings);
  }

  /**
   * LastCopySucceeded from the copies of the newest successful backup: False names each failed
   * copy; it never touches LastBackupSucceeded. Absent until a backup with copies succeeded.
   */
  private static List<Condition> copyCondition(List<Condition> conditions, BackupRecord lastSuccess, long generation, Clock clock) {
    if (lastSuccess == null || lastSuccess.getCopies() == null || lastSuccess.getCopies().isEmpty()) {
      return conditions;
    }
    List<BackupCopyResult> failed = lastSuccess.getCopies().stream().filter(c -> !"Succeeded".equals(c.getResult())).toList();
    if (failed.isEmpty()) {
      return Conditions.set(conditions, LAST_COPY_SUCCEEDED, true, "CopiesSucceeded",
          "backup " + lastSuccess.getName() + " copied to " + lastSuccess.getCopies().stream().map(BackupCopyResult::getName)
              .collect(Collectors.joining(", ")), generation, clock);
    }
    return Conditions.set(conditions, LAST_COPY_SUCCEEDED, false, failed.get(0).getReason() == null ? "CopyFailed" : failed.get(0).getReason(),
        "backup " + lastSuccess.getName() + " succeeded but was not copied to " + failed.stream()
            .map(c -> c.getName() + " (" + c.getReason() + ": " + c.getMessage() + ")").collect(Collectors.joining("; ")),
        generation, clock);
  }

  private static void foldVerification(List<JobRun> runs, BackupScheduleStatus s, List<Finding> findings, Instant now) {
    JobRun latest = runs.stream()
        .filter(r -> BackupWorkloads.JOB_KIND_VERIFICATION.equals(r.kind()) && r.state() != JobRun.State.RUNNING)
        .max(Comparator.comparing(r -> r.finishedAt() == null ? now : r.finishedAt()))
        .orElse(null);
    if (latest == null) {
      return;
    }
    String time = format(latest.finishedAt() == null ? now : latest.finishedAt());
    VerificationResult previous = s.getLastVerification();
    if (previous != null && previous.getTime() != null && previous.getTime().compareTo(time) >= 0) {
      return;
    }
    VerificationResult v = new VerificationResult();
    v.setTime(time);
    boolean ok = latest.state() == JobRun.State.SUCCEEDED;
    v.setResult(ok ? "Succeeded" : "Failed");
    if (latest.result() != null) {
      v.setBackup(latest.result().backup() != null ? latest.result().backup() : latest.result().name());
    }
    v.setMessage(ok ? (latest.result() == null ? "restore test passed" : latest.result().message())
        : latest.failureReason() + ": " + latest.failureMessage());
    s.setLastVerification(v);
    findings.add(new Finding(!ok, ok ? "VerificationSucceeded" : "VerificationFailed", v.getMessage(), "verification", null));
  }

  private static BackupRecord record(JobRun run, Instant now) {
    JobRun.ScriptResult r = run.result();
    BackupRecord record = new BackupRecord();
    record.setJob(run.jobName());
    boolean ok = run.state() == JobRun.State.SUCCEEDED;
    record.setResult(ok ? "Succeeded" : "Failed");
    if (r != null) {
      record.setName(r.name());
      record.setLocation(r.location());
      record.setSizeBytes(r.sizeBytes());
      record.setChecksum(r.checksum());
      record.setDurationSeconds(r.durationSeconds());
      record.setTableRowCounts(r.tableRowCounts() == null ? null : new LinkedHashMap<>(r.tableRowCounts()));
      record.setCopies(r.copies() == null || r.copies().isEmpty() ? null : List.copyOf(r.copies()));
    }
    record.setCompletedAt(r != null && r.completedAt() != null ? r.completedAt()
        : format(run.finishedAt() == null ? now : run.finishedAt()));
    if (!ok) {
      record.setReason(run.failureReason());
      record.setMessage(run.failureMessage());
    } else if (r == null) {
      // A Job that succeeded without a readable result has not proven a backup exists.
      record.setResult("Failed");
      record.setReason("NoResult");
      record.setMessage("the Job succeeded but its pod left no result line (termination message)");
    }
    return record;
  }

  private static BackupRecord newest(BackupRecord a, BackupRecord b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.getCompletedAt().compareTo(b.getCompletedAt()) >= 0 ? a : b;
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
