package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgBackRestSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.testsupport.StandInImage;
import io.tradingdb.operator.tradingdatabase.PgBackRestSamples;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The backup Jobs' images on the real node provide what the Jobs run: the pg_dump Jobs the
 * backup-tools stand-in, the pgBackRest Jobs the cluster's timescaledb-ha stand-in; each script's
 * tools found on the image's PATH and run as the Job's uid.
 */
class BackupStandInImagesIT {

  @Test
  void backupToolsImageRunsThePgDumpScriptsToolsAsTheJobsUser() {
    StandInImage image = StandInImage.build("backup-tools");
    StandInImage cluster = StandInImage.build("timescaledb-ha");
    BackupModel model = BackupWorkloadsTest.nightlyToS3();
    PodSpec pod = BackupWorkloads.backupCronJobs(model).get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();

    assertThat(image.uid()).isEqualTo(pod.getSecurityContext().getRunAsUser());
    assertToolsRun(image, pod, BackupToolsImageTest.toolsTheScriptsCall(BackupScripts.SHELL_FILES));
    // pg_dump refuses a server newer than itself: the client must be at least the cluster's major.
    String dump = image.exec(999, 999, "pg_dump", "--version").output();
    String server = cluster.exec(1000, 1000, "postgres", "--version").output();
    assertThat(major(dump)).as("%s vs %s", dump, server).isGreaterThanOrEqualTo(major(server));
    assertThat(image.exec(999, 999, "aws", "--version").exitCode()).isZero();
    // The copies' rclone, with its configuration in the Job's scratch folder, never in HOME.
    assertThat(image.exec(999, 999, "rclone", "--config", "/dev/null", "version").exitCode()).isZero();
  }

  @Test
  void clusterImageRunsThePgBackRestJobsToolsAsTheJobsUser() {
    StandInImage cluster = StandInImage.build("timescaledb-ha");
    TradingDatabase db = Samples.tradingDatabase("trading", "market-data");
    db.getSpec().setImage(cluster.ref());
    db.getSpec().setPgBackRest(PgBackRestSamples.repository());
    BackupSchedule schedule = BackupSchedules.tradingDatabase("market-data-pitr", "market-data");
    schedule.getSpec().setMethod(BackupMethod.PG_BACKREST);
    schedule.getSpec().setPgBackRest(new PgBackRestSpec());
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), db), db);
    PodSpec pod = BackupWorkloads.backupCronJobs(model).get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();

    assertThat(pod.getContainers().get(0).getImage()).isEqualTo(cluster.ref());
    assertThat(cluster.uid()).isEqualTo(pod.getSecurityContext().getRunAsUser());
    assertToolsRun(cluster, pod, BackupToolsImageTest.toolsTheScriptsCall(BackupScripts.PGBACKREST_SHELL_FILES));
  }

  /** The Job's shell and every tool its scripts call, found on the image's PATH as the Job's uid. */
  private static void assertToolsRun(StandInImage image, PodSpec pod, Set<String> tools) {
    Container job = pod.getContainers().get(0);
    long uid = pod.getSecurityContext().getRunAsUser();
    long gid = pod.getSecurityContext().getRunAsGroup();
    assertThat(tools).isNotEmpty();
    String shell = job.getCommand().get(0);
    assertThat(image.exec(uid, gid, shell, "--version").exitCode()).as("%s runs in %s", shell, image.ref()).isZero();
    for (String tool : tools) {
      StandInImage.Result found = image.exec(uid, gid, "sh", "-c", "command -v \"$0\"", tool);
      assertThat(found.exitCode()).as("%s on the PATH of %s as uid %s", tool, image.ref(), uid).isZero();
    }
  }

  private static int major(String versionLine) {
    Matcher m = Pattern.compile("(\\d+)\\.\\d+").matcher(versionLine);
    assertThat(m.find()).as(versionLine).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
