package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.kube.DatabaseTargets;
import io.tradingdb.operator.kube.DatabaseTargets.TargetUnavailableException;
import io.tradingdb.operator.testsupport.InvalidCorpus;
import io.tradingdb.operator.testsupport.InvalidCorpus.Case;
import io.tradingdb.operator.testsupport.InvalidCorpusContract;
import io.tradingdb.operator.tradingdatabase.model.InvalidSpecException;

/**
 * The BackupSchedule bad-input corpus. Operator cases go the reconciler's way: the target is resolved (no
 * TradingDatabase exists here, as in the API server run), then {@link BackupScheduleReconciler#validModel} builds
 * the model and parses the cron schedules; the message becomes the Degraded condition (InvalidSpec).
 */
class InvalidBackupScheduleCorpusTest extends InvalidCorpusContract {

  private static final InvalidCorpus CORPUS =
      new InvalidCorpus("backupschedule", "backupschedules.tradingdb.io-v1.yml");

  @Override
  protected InvalidCorpus corpus() {
    return CORPUS;
  }

  @Override
  protected int minimumCases() {
    return 12;
  }

  @Override
  protected void assertRefused(Case c) {
    BackupSchedule schedule = Serialization.unmarshal(c.yaml(), BackupSchedule.class);

    assertThatThrownBy(() -> BackupScheduleReconciler.validModel(
            schedule, DatabaseTargets.resolve(schedule.getSpec().getTarget(), null)))
        .isInstanceOfAny(InvalidSpecException.class, TargetUnavailableException.class)
        .hasMessageContaining(c.expect());
  }
}
