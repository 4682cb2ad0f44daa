package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.backupschedule.OnDemandBackup;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** status.onDemand: a hook waiting for its token reads that token's backup result, never an older one's. */
class OnDemandResultTest {

  static JobRun run(String job, JobRun.State state, String message) {
    return new JobRun(job, BackupWorkloads.JOB_KIND_BACKUP, state, Instant.parse("2026-11-30T10:00:00Z"),
        state == JobRun.State.RUNNING ? null : Instant.parse("2026-11-30T10:05:00Z"),
        state == JobRun.State.SUCCEEDED ? JobRun.ScriptResult.parse("{\"result\":\"Succeeded\",\"name\":\"20261130T100000Z\"}") : null,
        state == JobRun.State.FAILED ? "AuthenticationFailed" : null, message);
  }

  @Test
  void aNewTokenIsRunningUntilItsJobFinishes() {
    OnDemandBackup old = OnDemandResult.of("abc", "n-now-abc", List.of(run("n-now-abc", JobRun.State.SUCCEEDED, null)), null);
    assertThat(old.getResult()).isEqualTo("Succeeded");
    assertThat(old.getMessage()).isEqualTo("backup 20261130T100000Z");
    assertThat(old.getFinishedAt()).isEqualTo("2026-11-30T10:05:00Z");

    // The next commit's token: its Job is not observed yet, so the old success must not show.
    OnDemandBackup next = OnDemandResult.of("def", "n-now-def", List.of(run("n-now-abc", JobRun.State.SUCCEEDED, null)), old);
    assertThat(next.getToken()).isEqualTo("def");
    assertThat(next.getResult()).isEqualTo("Running");

    OnDemandBackup failed = OnDemandResult.of("def", "n-now-def",
        List.of(run("n-now-def", JobRun.State.FAILED, "password authentication failed")), next);
    assertThat(failed.getResult()).isEqualTo("Failed");
    assertThat(failed.getMessage()).isEqualTo("password authentication failed");

    // The finished Job is cleaned up: the result stays.
    assertThat(OnDemandResult.of("def", "n-now-def", List.of(), failed)).isEqualTo(failed);
    // No token at all: whatever was there stays.
    assertThat(OnDemandResult.of(null, null, List.of(), failed)).isEqualTo(failed);
  }

  @Test
  void aJobThatSucceededWithoutAResultIsNoBackupToMigrateBehind() {
    JobRun noResult = new JobRun("n-now-ghi", BackupWorkloads.JOB_KIND_BACKUP, JobRun.State.SUCCEEDED,
        Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:05:00Z"), null, null, null);
    OnDemandBackup s = OnDemandResult.of("ghi", "n-now-ghi", List.of(noResult), null);
    assertThat(s.getResult()).isEqualTo("Failed");
    assertThat(s.getMessage()).contains("no result line");
  }
}
