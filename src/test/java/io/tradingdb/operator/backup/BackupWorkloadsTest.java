package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.CompressionAlgorithm;
import io.tradingdb.operator.api.v1alpha1.backupschedule.DumpFormat;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgDumpSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.VerificationSpec;
import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BackupWorkloadsTest {

  /** The guide's nightly backup of a TradingDatabase to S3 with a monthly restore test. */
  static BackupModel nightlyToS3() {
    BackupSchedule schedule = BackupSchedules.tradingDatabase("ai-trading-nightly", "ai-trading");
    BackupSchedules.s3(schedule, "http://minio.storage.svc:9000", "trading-backups", null);
    BackupSchedules.dump(schedule, DumpFormat.CUSTOM, CompressionAlgorithm.ZSTD, 6, null);
    BackupSchedules.retention(schedule, "7d", 14);
    schedule.getSpec().setTimeZone("Europe/London");
    VerificationSpec verification = new VerificationSpec();
    verification.setEnabled(true);
    verification.setExpectedTables(List.of("market_data", "trades"));
    schedule.getSpec().setVerification(verification);
    TradingDatabase cluster = new TradingDatabase();
    cluster.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("ai-trading").withNamespace("trading").build());
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setDatabaseName("ai_trading");
    cluster.setSpec(spec);
    return BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), cluster));
  }

  /** An external server with a CA, dumped in directory format to a volume. */
  static BackupModel externalToVolume() {
    BackupSchedule schedule = BackupSchedules.external("reporting", "db.example.internal", 5432, "reporting");
    schedule.getSpec().getTarget().getExternal().setSslMode(null);
    schedule.getSpec().getTarget().getExternal().setCaSecretRef(new SecretKeyRef("reporting-ca", null));
    BackupSchedules.pvc(schedule, "backup-volume", null);
    BackupSchedules.dump(schedule, DumpFormat.DIRECTORY, CompressionAlgorithm.LZ4, null, 4);
    PgDumpSpec dump = schedule.getSpec().getPgDump();
    dump.setExcludeSchemas(List.of("scratch"));
    dump.setExcludeTables(List.of("audit.raw_events"));
    schedule.getSpec().setSuspend(true);
    return BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));
  }

  @Test
  void backupCronJobForATradingDatabaseOnS3() throws Exception {
    Golden.assertYaml("cronjob-s3.yaml", BackupWorkloads.backupCronJobs(nightlyToS3()).get(0));
  }

  @Test
  void verifyCronJobRunsTheRestoreTestMonthly() throws Exception {
    Golden.assertYaml("cronjob-verify.yaml", BackupWorkloads.verifyCronJob(nightlyToS3()));
  }

  @Test
  void onDemandJobForAnExternalServerOnAVolume() throws Exception {
    Golden.assertYaml("job-on-demand-pvc.yaml", BackupWorkloads.onDemandJob(externalToVolume(), "2026-11-26.1"));
  }

  @Test
  void restoreJobNamesTheBackupAndTheDatabase() throws Exception {
    Golden.assertYaml("job-restore.yaml",
        BackupWorkloads.restoreJob(nightlyToS3(), "ai-trading-restore", "20261126T030000Z", "ai_trading_copy"));
  }

  @Test
  void scriptsConfigMapHoldsTheScriptsAndTheGeneratedSql() throws Exception {
    ConfigMap configMap = BackupWorkloads.scriptsConfigMap(externalToVolume());
    assertThat(configMap.getData().get("backup.sh")).isEqualTo(BackupScripts.resource("backup.sh"));
    String sqlFiles = configMap.getData().entrySet().stream()
        .filter(e -> !e.getKey().endsWith(".sh"))
        .map(e -> "--- " + e.getKey() + "\n" + e.getValue())
        .collect(Collectors.joining());
    Golden.assertText("configmap-sql-files.txt", sqlFiles);
  }

  @Test
  void podsRunWithTheRestrictedProfile() {
    CronJob cronJob = BackupWorkloads.backupCronJobs(nightlyToS3()).get(0);
    assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    PodSpec pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().get(0).getSecurityContext();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().contains("PASSWORD") || e.getName().contains("SECRET"))
        .allSatisfy(e -> assertThat(e.getValue()).isNull());
  }

  @Test
  void onDemandJobNamesAreStableDistinctAndValid() {
    BackupNames names = new BackupNames("nightly");
    assertThat(names.onDemandJob("2026-11-26")).isEqualTo("nightly-now-2026-11-26");
    assertThat(names.onDemandJob("Before Upgrade!")).startsWith("nightly-now-before-upgrade-")
        .isNotEqualTo(names.onDemandJob("before upgrade"));
    assertThat(names.onDemandJob("x".repeat(200))).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }

  @Test
  void refusesWhatTheSchemaCannotCatch() {
    BackupSchedule schedule = BackupSchedules.external("x".repeat(53), "h", 5432, "d");
    BackupSchedules.pvc(schedule, "v", null);
    assertThatThrownBy(() -> BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("at most 52");
    BackupSchedule jobs = BackupSchedules.external("jobs", "h", 5432, "d");
    BackupSchedules.pvc(jobs, "v", null);
    BackupSchedules.dump(jobs, DumpFormat.CUSTOM, CompressionAlgorithm.GZIP, 10, 2);
    assertThatThrownBy(() -> BackupModel.from(jobs, ClusterModel.connectionTarget(jobs.getSpec().getTarget(), null)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("level 10");
  }

  @Test
  void defaultsAreResolvedInCodeNotWrittenIntoTheSpec() {
    BackupSchedule schedule = BackupSchedules.external("plain", "h", 5432, "d");
    BackupSchedules.s3(schedule, null, "bucket", null);
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));
    assertThat(model.dump().compression()).isEqualTo(CompressionAlgorithm.GZIP);
    assertThat(model.dump().level()).isEqualTo(6);
    assertThat(model.storage().s3().prefix()).isEqualTo("trading/plain");
    assertThat(model.storage().s3().forcePathStyle()).isFalse();
    assertThat(model.retention().maxAgeSeconds()).isEqualTo(7 * 86400L);
    assertThat(model.image()).isEqualTo(BackupModel.DEFAULT_IMAGE);
    assertThat(schedule.getSpec().getPgDump()).isNull();
    assertThat(schedule.getSpec().getRetention()).isNull();
  }

  @Test
  void copiesReachTheJobAsEnvironmentWithSecretsOnlyByReference() {
    BackupSchedule schedule = BackupSchedules.external("copied", "h", 5432, "d");
    BackupSchedules.pvc(schedule, "backups", null);
    io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec.S3Storage s3 = new io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec.S3Storage();
    s3.setBucket("trading-offsite");
    s3.setEndpoint("https://s3.example.net");
    s3.setCredentialsSecretRef(new io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef("offsite-s3"));
    io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec offsite = new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec();
    offsite.setName("offsite");
    offsite.setS3(s3);
    io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec.RcloneDestination remote =
        new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec.RcloneDestination();
    remote.setConfigSecretRef(new SecretKeyRef("rclone-config", null));
    remote.setRemote("nas");
    remote.setPath("backups/trading");
    io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec nas = new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec();
    nas.setName("nas");
    nas.setRclone(remote);
    io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec off = new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec();
    off.setName("paused");
    off.setEnabled(false);
    off.setS3(s3);
    schedule.getSpec().setCopies(List.of(offsite, nas, off));
    io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec scheduling = new io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec();
    scheduling.setNodeSelector(java.util.Map.of("kubernetes.io/hostname", "real-node"));
    schedule.getSpec().setScheduling(scheduling);
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));

    assertThat(model.copies()).extracting(BackupModel.Copy::name).containsExactly("offsite", "nas");
    assertThat(model.copies().get(0).s3().prefix()).isEqualTo("trading/copied");
    PodSpec pod = BackupWorkloads.backupCronJobs(model).get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/hostname", "real-node");
    var env = pod.getContainers().get(0).getEnv();
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    env.stream().filter(e -> e.getValue() != null).forEach(e -> values.put(e.getName(), e.getValue()));
    assertThat(values).containsEntry("COPY_COUNT", "2").containsEntry("COPY_1_NAME", "offsite").containsEntry("COPY_1_TYPE", "s3")
        .containsEntry("COPY_1_S3_BUCKET", "trading-offsite").containsEntry("COPY_1_S3_ENDPOINT", "https://s3.example.net")
        .containsEntry("COPY_1_S3_FORCE_PATH_STYLE", "true").containsEntry("COPY_2_NAME", "nas").containsEntry("COPY_2_TYPE", "rclone")
        .containsEntry("COPY_2_RCLONE_REMOTE", "nas").containsEntry("COPY_2_RCLONE_PATH", "backups/trading")
        .doesNotContainKey("COPY_3_NAME");
    assertThat(env).filteredOn(e -> e.getName().equals("COPY_2_RCLONE_CONFIG")).singleElement()
        .satisfies(e -> {
          assertThat(e.getValue()).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("rclone-config");
          assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("rclone.conf");
        });
    assertThat(env).filteredOn(e -> e.getName().equals("COPY_1_AWS_SECRET_ACCESS_KEY")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("offsite-s3"));

    var restore = BackupWorkloads.restoreJob(model, "from-nas", null, "scratch", "nas").getSpec().getTemplate().getSpec();
    assertThat(restore.getNodeSelector()).containsEntry("kubernetes.io/hostname", "real-node");
    assertThat(restore.getContainers().get(0).getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("RESTORE_FROM_COPY");
      assertThat(e.getValue()).isEqualTo("nas");
    });
    assertThatThrownBy(() -> BackupWorkloads.restoreJob(model, "x", null, "scratch", "paused"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("no enabled copy 'paused'");
  }

  /**
   * pgBackRest takes every PGBACKREST_* environment variable as an option, and 2.55 warns about
   * unknown ones on stdout, ahead of `info --output=json`'s JSON: on the real node every backup Job
   * failed with InfoFailed when its work folder came as PGBACKREST_WORK. Only real options here.
   */
  @Test
  void pgBackRestContainersGetOnlyPgBackRestsOwnOptionsAsPgbackrestVariables() {
    TradingDatabase cluster = io.tradingdb.operator.testsupport.Samples.tradingDatabase("trading", "market-data");
    cluster.getSpec().setPgBackRest(io.tradingdb.operator.tradingdatabase.PgBackRestSamples.repository());
    BackupSchedule schedule = BackupSchedules.tradingDatabase("market-data-pitr", "market-data");
    schedule.getSpec().setMethod(io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod.PG_BACKREST);
    VerificationSpec verification = new VerificationSpec();
    verification.setEnabled(true);
    schedule.getSpec().setVerification(verification);
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), cluster), cluster);
    List<PodSpec> pods = new java.util.ArrayList<>();
    BackupWorkloads.backupCronJobs(model).forEach(c -> pods.add(c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()));
    pods.add(BackupWorkloads.verifyCronJob(model).getSpec().getJobTemplate().getSpec().getTemplate().getSpec());
    pods.add(BackupWorkloads.onDemandJob(model, "now").getSpec().getTemplate().getSpec());
    pods.add(io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet.build(ClusterModel.from(cluster), "x", java.util.Map.of())
        .getSpec().getTemplate().getSpec());
    List<String> names = pods.stream().flatMap(p -> p.getContainers().stream()).flatMap(c -> c.getEnv().stream())
        .map(e -> e.getName()).filter(n -> n.startsWith("PGBACKREST_")).distinct().toList();
    assertThat(names).contains("PGBACKREST_CONFIG")
        .allMatch(n -> List.of("PGBACKREST_CONFIG", "PGBACKREST_REPO1_S3_KEY", "PGBACKREST_REPO1_S3_KEY_SECRET").contains(n));
  }

  /**
   * S3 endpoints with private CAs: the pg_dump storage's CA reaches the AWS CLI as AWS_CA_BUNDLE,
   * each S3 copy's as COPY_<n>_CA_FILE, and a pgBackRest Job mounts the cluster repository's CA
   * where the cluster's pgbackrest.conf names it. Each CA is one key of its Secret, mounted alone.
   */
  @Test
  void privateS3CasAreMountedWhereEachToolReadsThem() {
    BackupSchedule schedule = BackupSchedules.tradingDatabase("nightly", "ai-trading");
    BackupSchedules.s3(schedule, "https://minio.storage.svc:9000", "trading-backups", null);
    schedule.getSpec().getStorage().getS3().setCaSecretRef(new SecretKeyRef("minio-ca", null));
    var offsiteS3 = new io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec.S3Storage();
    offsiteS3.setBucket("trading-offsite");
    offsiteS3.setEndpoint("https://s3.example.net");
    offsiteS3.setCredentialsSecretRef(new io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef("offsite-s3"));
    offsiteS3.setCaSecretRef(new SecretKeyRef("offsite-ca", "root.pem"));
    var offsite = new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec();
    offsite.setName("offsite");
    offsite.setS3(offsiteS3);
    schedule.getSpec().setCopies(List.of(offsite));
    TradingDatabase cluster = io.tradingdb.operator.testsupport.Samples.tradingDatabase("trading", "ai-trading");
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), cluster));
    PodSpec pod = BackupWorkloads.backupCronJobs(model).get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    var env = pod.getContainers().get(0).getEnv();
    assertThat(env).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("AWS_CA_BUNDLE=/etc/tradingdb/s3-ca/storage/ca.crt"));
    assertThat(env).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("COPY_1_CA_FILE=/etc/tradingdb/s3-ca/copy-1/ca.crt"));
    assertThat(caMounts(pod)).isEqualTo(java.util.Map.of(
        "/etc/tradingdb/s3-ca/storage", "minio-ca/ca.crt", "/etc/tradingdb/s3-ca/copy-1", "offsite-ca/root.pem"));
    // The restore Job reads the same storage.
    assertThat(caMounts(BackupWorkloads.restoreJob(model, "r", null, "scratch").getSpec().getTemplate().getSpec()))
        .containsEntry("/etc/tradingdb/s3-ca/storage", "minio-ca/ca.crt");

    cluster.getSpec().setPgBackRest(io.tradingdb.operator.tradingdatabase.PgBackRestSamples.repository());
    cluster.getSpec().getPgBackRest().getRepository().getS3().setCaSecretRef(new SecretKeyRef("minio-ca", null));
    BackupSchedule physical = BackupSchedules.tradingDatabase("pitr", "ai-trading");
    physical.getSpec().setMethod(io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod.PG_BACKREST);
    BackupModel pgbr = BackupModel.from(physical, ClusterModel.connectionTarget(physical.getSpec().getTarget(), cluster), cluster);
    assertThat(BackupWorkloads.pgBackRestJobConfig(pgbr)).contains("repo1-storage-ca-file=/etc/tradingdb/s3-ca/repository/ca.crt");
    assertThat(caMounts(BackupWorkloads.onDemandJob(pgbr, "now").getSpec().getTemplate().getSpec()))
        .isEqualTo(java.util.Map.of("/etc/tradingdb/s3-ca/repository", "minio-ca/ca.crt"));
  }

  /** Mount path to "secret/key" of every storage CA a pod mounts; each volume holds one key, as ca.crt. */
  private static java.util.Map<String, String> caMounts(PodSpec pod) {
    java.util.Map<String, String> mounts = new java.util.HashMap<>();
    pod.getContainers().get(0).getVolumeMounts().stream().filter(m -> m.getMountPath().startsWith("/etc/tradingdb/s3-ca/"))
        .forEach(m -> {
          var secret = pod.getVolumes().stream().filter(v -> v.getName().equals(m.getName())).findFirst().orElseThrow().getSecret();
          assertThat(secret.getItems()).singleElement().satisfies(i -> assertThat(i.getPath()).isEqualTo("ca.crt"));
          assertThat(m.getReadOnly()).isTrue();
          mounts.put(m.getMountPath(), secret.getSecretName() + "/" + secret.getItems().get(0).getKey());
        });
    return mounts;
  }

  @Test
  void copiesNeedMethodPgDump() {
    BackupSchedule schedule = BackupSchedules.external("physical", "h", 5432, "d");
    schedule.getSpec().setMethod(io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod.PG_BACKREST);
    io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec copy = new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec();
    copy.setName("offsite");
    schedule.getSpec().setCopies(List.of(copy));
    assertThatThrownBy(() -> BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null), null))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("copies needs method pgDump");
  }
}
