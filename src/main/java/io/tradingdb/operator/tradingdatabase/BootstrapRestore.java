package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.Condition;
import io.tradingdb.operator.tradingdatabase.status.RestoreOutcome;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.backup.BackupModel;
import io.tradingdb.operator.backup.BackupWorkloads;
import io.tradingdb.operator.backup.JobRun;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.kube.InvalidSpecException;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import java.util.List;
import java.util.Optional;

/**
 * spec.bootstrap.fromBackup: once the new cluster's primary is up (Patroni has run initdb and
 * created the database), a Job restores the chosen pg_dump backup into it with the BackupSchedule's
 * own restore script (TimescaleDB pre/post-restore hooks included), from its storage or from one of
 * its off-site copies (fromBackup.copy). Runs once; the result stays in the Restored condition.
 */
public class BootstrapRestore {

  static final String RESTORED = "Restored";

  private final KubernetesClient client;

  public BootstrapRestore(KubernetesClient client) {
    this.client = client;
  }

  /** Null when the spec asks for no restore. */
  public RestoreOutcome reconcile(TradingDatabase db, ClusterModel model, boolean primaryUp) {
    BootstrapSpec bootstrap = db.getSpec().getBootstrap();
    if (bootstrap == null || bootstrap.getFromBackup() == null) {
      return null;
    }
    Optional<Condition> restored = db.getStatus() == null ? Optional.empty()
        : Conditions.find(db.getStatus().getConditions(), ClusterStatus.RESTORED).filter(c -> "True".equals(c.getStatus()));
    if (restored.isPresent()) {
      return new RestoreOutcome(restored.get().getMessage(), true, false);
    }
    BootstrapSpec.FromBackup from = bootstrap.getFromBackup();
    if (model.pgBackRestBootstrap().isPresent()) {
      // Patroni restores before PostgreSQL first starts; a primary means the replay has ended.
      var source = model.pgBackRestBootstrap().get();
      String what = "pgBackRest backup " + (source.backupLabel() == null ? "latest" : source.backupLabel())
          + " of stanza " + source.stanza()
          + (source.targetTime() == null ? ", WAL replayed to the end of the archive" : ", recovered to " + source.targetTime());
      return primaryUp
          ? new RestoreOutcome(RESTORED + " " + what, true, false)
          : RestoreOutcome.running("restoring " + what + " (Patroni bootstrap on the first instance)");
    }
    String backup = from.getBackupName() == null ? "latest" : from.getBackupName();
    String what = "backup " + backup + " of BackupSchedule " + from.getBackupSchedule()
        + (from.getCopy() == null ? "" : " from its copy " + from.getCopy());
    if (!primaryUp) {
      return RestoreOutcome.running("waiting for the primary before restoring " + what);
    }
    String namespace = model.names().namespace();
    String jobName = model.names().bootstrapRestoreJob();
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get();
    if (job == null) {
      BackupSchedule schedule = client.resources(BackupSchedule.class).inNamespace(namespace)
          .withName(from.getBackupSchedule()).get();
      if (schedule == null) {
        return RestoreOutcome.failed("BackupSchedule '" + from.getBackupSchedule() + "' does not exist in " + namespace);
      }
      Job restore;
      try {
        // The schedule's storage (or copy) and format, with this new cluster as the database to write.
        BackupModel target = BackupModel.from(schedule,
            ClusterModel.connectionTarget(DatabaseTarget.tradingDatabase(model.names().cluster()), db));
        restore = BackupWorkloads.restoreJob(target, jobName, from.getBackupName(), null, from.getCopy());
      } catch (InvalidSpecException e) {
        return RestoreOutcome.failed("cannot restore from BackupSchedule '" + from.getBackupSchedule() + "': " + e.getMessage());
      }
      restore.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(db)));
      client.batch().v1().jobs().inNamespace(namespace).resource(restore).create();
      return RestoreOutcome.running("restoring " + what);
    }
    var status = job.getStatus();
    if (status != null && status.getSucceeded() != null && status.getSucceeded() > 0) {
      String when = status.getCompletionTime() == null ? "" : " at " + status.getCompletionTime();
      JobRun.ScriptResult result = run(job).result();
      // pg_dump keeps owners and grants but not roles: say which the new cluster lacked.
      String owners = result == null || result.rolesMissing() == null || result.rolesMissing().isEmpty() ? ""
          : "; owners and grants not restored, these roles do not exist here: " + String.join(", ", result.rolesMissing());
      return new RestoreOutcome(RESTORED + " " + what + when + owners, true, false);
    }
    boolean failed = status != null && status.getConditions() != null
        && status.getConditions().stream().anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
    if (!failed) {
      return RestoreOutcome.running("restoring " + what);
    }
    JobRun run = run(job);
    return RestoreOutcome.failed("restoring " + what + " failed"
        + (run.failureReason() == null ? "" : ": " + run.failureReason() + ": " + run.failureMessage()) + " (Job " + jobName + ")");
  }

  private JobRun run(Job job) {
    String name = job.getMetadata().getName();
    return JobRun.from(job, client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel("batch.kubernetes.io/job-name", name).list().getItems());
  }
}
