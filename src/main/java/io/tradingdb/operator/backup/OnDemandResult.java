package io.tradingdb.operator.backup;

import io.tradingdb.operator.api.v1alpha1.backupschedule.OnDemandBackup;
import java.util.List;

/** status.onDemand from the latest backup-now token and the Job it started. */
final class OnDemandResult {

  private OnDemandResult() {}

  /**
   * @param token the token acted on, or null when none is set
   * @param job the name of that token's Job
   * @param previous the last status's value: kept when the Job is gone (cleaned up after it finished)
   */
  static OnDemandBackup of(String token, String job, List<JobRun> runs, OnDemandBackup previous) {
    if (token == null) {
      return previous;
    }
    JobRun run = runs.stream().filter(r -> r.jobName().equals(job)).findFirst().orElse(null);
    if (run == null && previous != null && token.equals(previous.getToken()) && !"Running".equals(previous.getResult())) {
      return previous;
    }
    OnDemandBackup s = new OnDemandBackup();
    s.setToken(token);
    s.setJob(job);
    if (run == null || run.state() == JobRun.State.RUNNING) {
      s.setResult("Running");
      return s;
    }
    // As in recentBackups: a Job that succeeded without a result has not proven a backup exists,
    // and a migration waiting on this must not go ahead.
    boolean proven = run.state() == JobRun.State.SUCCEEDED && run.result() != null && run.result().succeeded();
    s.setResult(proven ? "Succeeded" : "Failed");
    s.setMessage(proven ? (run.result().name() == null ? null : "backup " + run.result().name())
        : run.state() == JobRun.State.SUCCEEDED ? "the Job succeeded but its pod left no result line (termination message)"
        : run.failureMessage());
    s.setFinishedAt(run.finishedAt() == null ? null : run.finishedAt().toString());
    return s;
  }
}
