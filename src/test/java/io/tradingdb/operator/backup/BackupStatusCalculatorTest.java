package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.kube.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupStatusCalculatorTest {

  static final String SUCCESS = "{\"kind\":\"backup\",\"result\":\"Succeeded\",\"name\":\"20261126T030000Z\","
      + "\"location\":\"s3://b/p/20261126T030000Z/dump.pgdump.gz\",\"sizeBytes\":1234,\"checksum\":\"ab12\","
      + "\"completedAt\":\"2026-11-26T03:02:00Z\",\"durationSeconds\":120.5,\"tableRowCounts\":{\"public.trades\":7},"
      + "\"retention\":{\"deleted\":[],\"kept\":1}}";
  static final String AUTH_FAILURE = "{\"kind\":\"backup\",\"result\":\"Failed\",\"reason\":\"AuthenticationFailed\","
      + "\"message\":\"psql: error: password authentication failed for user \\\"postgres\\\"\",\"completedAt\":\"2026-11-27T03:00:05Z\"}";

  private static final BackupStatusCalculator.Schedule DAILY =
      new BackupStatusCalculator.Schedule("0 3 * * *", "Etc/UTC", false, Duration.ofHours(1));

  @Test
  void theSuccessDeadlineIsTwoRunsOfTheScheduleItselfPlusTheJobDeadline() {
    Instant lastSuccess = Instant.parse("2026-11-22T03:00:40Z");
    // Weekly, Sundays at 03:00: the next two runs are 29 Nov and 6 Dec, then six hours for the Job.
    var weekly = new BackupStatusCalculator.Schedule("0 3 * * 0", "UTC", false, Duration.ofHours(2));
    assertThat(BackupStatusCalculator.successDeadline(weekly, lastSuccess, 21600))
        .isEqualTo(Instant.parse("2026-12-06T09:00:00Z"));
    var daily = new BackupStatusCalculator.Schedule("0 3 * * *", "UTC", false, Duration.ofHours(2));
    assertThat(BackupStatusCalculator.successDeadline(daily, lastSuccess, 3600))
        .isEqualTo(Instant.parse("2026-11-24T04:00:00Z"));
    // pgBackRest: any backup type counts, so the densest schedule sets the window.
    var pgBackRest = new BackupStatusCalculator.Schedule(List.of("0 1 * * 0", "0 1 * * 1-6"), "UTC", false,
        Duration.ofHours(2));
    assertThat(BackupStatusCalculator.successDeadline(pgBackRest, lastSuccess, 3600))
        .isEqualTo(Instant.parse("2026-11-24T02:00:00Z"));
    var suspended = new BackupStatusCalculator.Schedule("0 3 * * *", "UTC", true, Duration.ofHours(2));
    assertThat(BackupStatusCalculator.successDeadline(suspended, lastSuccess, 3600)).isNull();
  }

  @Test
  void aSuccessfulJobBecomesTheLastBackup() {
    var outcome = compute(null, "2026-11-26T10:00:00Z", List.of(
        JobStates.job("nightly-29000000", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:02:01Z", true, null)),
        List.of(JobStates.pod("nightly-29000000", "2026-11-26T03:02:00Z", 0, "Completed", SUCCESS)));

    BackupScheduleStatus s = outcome.status();
    assertThat(s.getLastBackup().getName()).isEqualTo("20261126T030000Z");
    assertThat(s.getLastBackup().getSizeBytes()).isEqualTo(1234L);
    assertThat(s.getLastBackup().getChecksum()).isEqualTo("ab12");
    assertThat(s.getLastBackup().getTableRowCounts()).containsEntry("public.trades", 7L);
    assertThat(s.getLastSuccessTime()).isEqualTo("2026-11-26T03:02:00Z");
    assertThat(condition(s, "LastBackupSucceeded").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(s.getNextScheduleTime()).isEqualTo("2026-11-27T03:00:00Z");
    assertThat(s.getPhase()).isEqualTo("Scheduled");
    assertThat(outcome.findings()).extracting(BackupStatusCalculator.Finding::reason).containsExactly("BackupSucceeded");
  }

  @Test
  void aFailedJobTurnsLastBackupSucceededFalseWithTheScriptsReason() {
    var first = compute(null, "2026-11-26T10:00:00Z", List.of(
        JobStates.job("nightly-1", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:02:01Z", true, null)),
        List.of(JobStates.pod("nightly-1", "2026-11-26T03:02:00Z", 0, "Completed", SUCCESS)));
    var outcome = compute(first.status(), "2026-11-27T03:10:00Z", List.of(
        JobStates.job("nightly-1", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:02:01Z", true, null),
        JobStates.job("nightly-2", "backup", "2026-11-27T03:00:00Z", "2026-11-27T03:00:06Z", false, "BackoffLimitExceeded")),
        List.of(JobStates.pod("nightly-2", "2026-11-27T03:00:05Z", 1, "Error", AUTH_FAILURE)));

    BackupScheduleStatus s = outcome.status();
    Condition c = condition(s, "LastBackupSucceeded");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("AuthenticationFailed");
    assertThat(c.getMessage()).contains("nightly-2", "password authentication failed");
    assertThat(s.getLastFailureReason()).startsWith("AuthenticationFailed: ");
    assertThat(s.getLastFailureTime()).isEqualTo("2026-11-27T03:00:05Z");
    assertThat(s.getLastBackup().getName()).as("the last success stays").isEqualTo("20261126T030000Z");
    assertThat(s.getRecentBackups()).extracting(r -> r.getJob()).containsExactly("nightly-2", "nightly-1");
    assertThat(s.getPhase()).isEqualTo("Failing");
    assertThat(outcome.findings()).extracting(BackupStatusCalculator.Finding::reason).containsExactly("BackupFailed");
  }

  @Test
  void aJobKilledWithoutAResultReportsTheJobControllersReasonAndTheLogTail() {
    var outcome = compute(null, "2026-11-26T10:00:00Z", List.of(
        JobStates.job("nightly-3", "backup", "2026-11-26T03:00:00Z", "2026-11-26T09:00:00Z", false, "DeadlineExceeded")),
        List.of(JobStates.pod("nightly-3", "2026-11-26T09:00:00Z", 137, "Error", "pg_dump: dumping contents of table")));
    Condition c = condition(outcome.status(), "LastBackupSucceeded");
    assertThat(c.getReason()).isEqualTo("DeadlineExceeded");
    assertThat(c.getMessage()).contains("last output: pg_dump: dumping contents of table");
  }

  @Test
  void noSuccessWithinTheIntervalPlusGraceIsAFailureEvenWithoutAFailedJob() {
    var ok = compute(null, "2026-11-26T10:00:00Z", List.of(
        JobStates.job("nightly-1", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:02:01Z", true, null)),
        List.of(JobStates.pod("nightly-1", "2026-11-26T03:02:00Z", 0, "Completed", SUCCESS)));
    // The next run was due 2026-11-27T03:00; with one hour of grace it is overdue after 04:00.
    var withinGrace = compute(ok.status(), "2026-11-27T03:59:00Z", List.of(), List.of());
    assertThat(condition(withinGrace.status(), "LastBackupSucceeded").getStatus()).isEqualTo("True");

    var overdue = compute(withinGrace.status(), "2026-11-27T04:01:00Z", List.of(), List.of());
    Condition c = condition(overdue.status(), "LastBackupSucceeded");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("NoRecentBackup");
    assertThat(c.getMessage()).contains("no backup succeeded since 2026-11-26T03:02:00Z", "2026-11-27T03:00:00Z");
    assertThat(overdue.findings()).extracting(BackupStatusCalculator.Finding::reason).containsExactly("BackupOverdue");
    var stillOverdue = compute(overdue.status(), "2026-11-27T05:00:00Z", List.of(), List.of());
    assertThat(stillOverdue.findings()).as("the Event is sent once").isEmpty();
  }

  @Test
  void aNewScheduleIsNotReportedUntilItsFirstRunIsDue() {
    var fresh = compute(null, "2026-11-01T01:00:00Z", List.of(), List.of());
    assertThat(Conditions.find(fresh.status().getConditions(), "LastBackupSucceeded")).isEmpty();
    var neverRan = compute(fresh.status(), "2026-11-01T04:30:00Z", List.of(), List.of());
    assertThat(condition(neverRan.status(), "LastBackupSucceeded").getMessage()).startsWith("no backup has succeeded yet");
  }

  @Test
  void historyIsBoundedAndJobsAreFoldedInOnce() {
    BackupScheduleStatus status = null;
    List<Job> jobs = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    for (int day = 10; day <= 25; day++) {
      String name = "nightly-" + day;
      String done = "2026-11-" + day + "T03:01:00Z";
      jobs.add(JobStates.job(name, "backup", "2026-11-" + day + "T03:00:00Z", done, true, null));
      pods.add(JobStates.pod(name, done, 0, "Completed", SUCCESS.replace("2026-11-26T03:02:00Z", done)));
      // Jobs beyond the history limit disappear; the status keeps what it learned.
      List<Job> visible = jobs.subList(Math.max(0, jobs.size() - 3), jobs.size());
      status = compute(status, "2026-11-" + day + "T04:00:00Z", List.copyOf(visible), pods).status();
    }
    assertThat(status.getRecentBackups()).hasSize(10);
    assertThat(status.getRecentBackups().get(0).getJob()).isEqualTo("nightly-25");
    var again = compute(status, "2026-11-25T04:05:00Z", List.of(jobs.get(jobs.size() - 1)), pods);
    assertThat(again.findings()).isEmpty();
    assertThat(again.status()).isEqualTo(status);
  }

  @Test
  void verificationResultsGoToLastVerification() {
    String verified = "{\"kind\":\"verification\",\"result\":\"Succeeded\",\"backup\":\"20261126T030000Z\","
        + "\"name\":\"20261126T030000Z\",\"completedAt\":\"2026-12-01T05:10:00Z\",\"message\":\"restored ... counts match\"}";
    var outcome = compute(null, "2026-12-01T06:00:00Z", List.of(
        JobStates.job("nightly-verify-1", "verification", "2026-12-01T05:00:00Z", "2026-12-01T05:10:01Z", true, null)),
        List.of(JobStates.pod("nightly-verify-1", "2026-12-01T05:10:00Z", 0, "Completed", verified)));
    assertThat(outcome.status().getLastVerification().getResult()).isEqualTo("Succeeded");
    assertThat(outcome.status().getLastVerification().getBackup()).isEqualTo("20261126T030000Z");
    assertThat(outcome.findings()).filteredOn(f -> f.kind().equals("verification"))
        .extracting(BackupStatusCalculator.Finding::reason).containsExactly("VerificationSucceeded");
  }

  @Test
  void anInvalidSpecIsNotReady() {
    var observed = new BackupStatusCalculator.Observed(2, Instant.parse("2026-11-01T00:00:00Z"), "t", "bad cron", null,
        null, List.of(), null);
    var s = BackupStatusCalculator.compute(null, observed, Clock.fixed(Instant.parse("2026-11-02T00:00:00Z"), ZoneOffset.UTC)).status();
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Ready").getMessage()).isEqualTo("bad cron");
    assertThat(s.getPhase()).isEqualTo("Invalid");
    assertThat(condition(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Degraded").getMessage()).isEqualTo("bad cron");
  }

  @Test
  void anInvalidSpecIsAnnouncedOnceAndAgainOnlyWhenTheReasonChanges() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-02T00:00:00Z"), ZoneOffset.UTC);
    var bad = new BackupStatusCalculator.Observed(2, Instant.parse("2026-11-01T00:00:00Z"), "t", "bad cron", null,
        null, List.of(), null);
    var first = BackupStatusCalculator.compute(null, bad, clock);
    assertThat(first.findings()).singleElement().satisfies(f -> {
      assertThat(f.warning()).isTrue();
      assertThat(f.reason()).isEqualTo("InvalidSpec");
      assertThat(f.message()).isEqualTo("bad cron");
    });
    // The periodic recheck sees the same refusal: no second Event.
    assertThat(BackupStatusCalculator.compute(first.status(), bad, clock).findings()).isEmpty();
    var other = new BackupStatusCalculator.Observed(3, Instant.parse("2026-11-01T00:00:00Z"), "t", "worse cron", null,
        null, List.of(), null);
    assertThat(BackupStatusCalculator.compute(first.status(), other, clock).findings())
        .extracting(BackupStatusCalculator.Finding::message).containsExactly("worse cron");
  }

  @Test
  void aFailedCopyIsItsOwnConditionAndLeavesTheBackupSucceeded() {
    String withCopies = SUCCESS.replace("\"retention\"", "\"copies\":["
        + "{\"name\":\"offsite\",\"result\":\"Succeeded\",\"location\":\"s3://o/p/20261126T030000Z/\",\"durationSeconds\":3.5,\"retentionDeleted\":1},"
        + "{\"name\":\"nas\",\"result\":\"Failed\",\"reason\":\"StorageUnreachable\",\"message\":\"copy failed: connection refused\"}],"
        + "\"retention\"");
    var outcome = compute(null, "2026-11-26T10:00:00Z", List.of(
        JobStates.job("nightly-29000000", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:02:01Z", true, null)),
        List.of(JobStates.pod("nightly-29000000", "2026-11-26T03:02:00Z", 0, "Completed", withCopies)));

    BackupScheduleStatus s = outcome.status();
    assertThat(condition(s, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED).getStatus()).isEqualTo("True");
    assertThat(s.getPhase()).isEqualTo("Scheduled");
    Condition copied = condition(s, BackupStatusCalculator.LAST_COPY_SUCCEEDED);
    assertThat(copied.getStatus()).isEqualTo("False");
    assertThat(copied.getReason()).isEqualTo("StorageUnreachable");
    assertThat(copied.getMessage()).isEqualTo(
        "backup 20261126T030000Z succeeded but was not copied to nas (StorageUnreachable: copy failed: connection refused)");
    assertThat(s.getLastBackup().getCopies()).extracting(c -> c.getName() + "=" + c.getResult() + "/" + c.getRetentionDeleted())
        .containsExactly("offsite=Succeeded/1", "nas=Failed/null");
    assertThat(outcome.findings()).extracting(BackupStatusCalculator.Finding::reason)
        .containsExactly("BackupSucceeded", "BackupCopySucceeded", "BackupCopyFailed");

    // The next backup copies everywhere: True again, naming the copies.
    String next = SUCCESS.replace("20261126T030000Z", "20261127T030000Z").replace("2026-11-26T03:02:00Z", "2026-11-27T03:02:00Z")
        .replace("\"retention\"", "\"copies\":[{\"name\":\"offsite\",\"result\":\"Succeeded\"},{\"name\":\"nas\",\"result\":\"Succeeded\"}],\"retention\"");
    var healed = compute(s, "2026-11-27T10:00:00Z", List.of(
        JobStates.job("nightly-29000100", "backup", "2026-11-27T03:00:00Z", "2026-11-27T03:02:01Z", true, null)),
        List.of(JobStates.pod("nightly-29000100", "2026-11-27T03:02:00Z", 0, "Completed", next)));
    Condition again = condition(healed.status(), BackupStatusCalculator.LAST_COPY_SUCCEEDED);
    assertThat(again.getStatus()).isEqualTo("True");
    assertThat(again.getMessage()).isEqualTo("backup 20261127T030000Z copied to offsite, nas");
    // A schedule without copies never gets the condition.
    var plain = compute(null, "2026-11-26T10:00:00Z", List.of(
        JobStates.job("nightly-29000000", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:02:01Z", true, null)),
        List.of(JobStates.pod("nightly-29000000", "2026-11-26T03:02:00Z", 0, "Completed", SUCCESS)));
    assertThat(Conditions.find(plain.status().getConditions(), BackupStatusCalculator.LAST_COPY_SUCCEEDED)).isEmpty();
  }

  static BackupStatusCalculator.Outcome compute(BackupScheduleStatus previous, String now, List<Job> jobs, List<Pod> pods) {
    List<JobRun> runs = jobs.stream().map(j -> JobRun.from(j, pods)).toList();
    var observed = new BackupStatusCalculator.Observed(1, Instant.parse("2026-11-01T00:00:00Z"), "tradingDatabase/ai-trading",
        null, DAILY, null, runs, null);
    return BackupStatusCalculator.compute(previous, observed, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
  }

  static Condition condition(BackupScheduleStatus s, String type) {
    return Conditions.find(s.getConditions(), type).orElseThrow(() -> new AssertionError("no condition " + type));
  }
}
