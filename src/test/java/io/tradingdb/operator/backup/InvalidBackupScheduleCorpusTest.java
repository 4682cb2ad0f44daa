package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.testsupport.InvalidCorpus;
import io.tradingdb.operator.testsupport.InvalidCorpusContract;
import io.tradingdb.operator.testsupport.TestExternalTargets;

/**
 * The BackupSchedule bad-input corpus. Operator cases go the reconciler's way: the target is resolved (no
 * TradingDatabase exists here, as in the API server run), then {@link BackupScheduleReconciler#validModel} builds
 * the model and parses the cron schedules, and the external-target policy is applied; the message becomes the
 * Degraded condition (InvalidSpec).
 */
class InvalidBackupScheduleCorpusTest extends InvalidCorpusContract {

  InvalidBackupScheduleCorpusTest() {
    super(new InvalidCorpus("backupschedule", "backupschedules.tradingdb.io-v1.yml"), 12);
  }

  @Override
  protected Object model(String yaml) {
    BackupSchedule schedule = Serialization.unmarshal(yaml, BackupSchedule.class);
    BackupModel model =
        BackupScheduleReconciler.validModel(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null), null);
    // Then, as in the reconciler, the operator's external-target policy (the one the API server run uses).
    TestExternalTargets.policy().check(schedule.getSpec().getTarget());
    return model;
  }
}
