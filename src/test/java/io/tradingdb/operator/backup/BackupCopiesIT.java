package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.BootstrapRestore;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.status.RestoreOutcome;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.copies, the off-site copy: the real backup and restore scripts with Debian's rclone, from a
 * primary S3 server (or a volume) to a second S3 server on another endpoint, once as an S3 copy and
 * once through an rclone remote configured from a Secret. Retention runs there too, a restore reads
 * the copy alone, and failed copies leave the backup Succeeded with their own condition and metric.
 */
@EnableKubernetesMockClient(crud = true)
class BackupCopiesIT {

  static KubernetesClient client;

  private static final String PRIMARY_BUCKET = "trading-backups";
  private static final String OFFSITE_BUCKET = "offsite-s3";
  private static final String RCLONE_BUCKET = "offsite-rclone";
  private static final String OFFSITE_SECRET = "offsite-s3-keys";
  private static final String RCLONE_SECRET = "offsite-rclone";
  private static final String OFFSITE_SECRET_KEY = "offsite-secret-key-not-a-real-one";
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static S3TestServer primary;
  private static S3TestServer offsite;
  private static String source;
  private static final List<String> databases = new ArrayList<>();
  private static BackupScriptRunner runner;

  @BeforeAll
  static void setUp() throws Exception {
    primary = new S3TestServer(Files.createDirectories(temp.resolve("s3-primary")));
    primary.createBucket(PRIMARY_BUCKET);
    // The off-site server: another endpoint (another port, another folder), as another provider would be.
    offsite = new S3TestServer(Files.createDirectories(temp.resolve("s3-offsite")));
    offsite.createBucket(OFFSITE_BUCKET);
    offsite.createBucket(RCLONE_BUCKET);
    source = newDatabase("bk_copy_source");
    TradingDataset.create(source, 20_000);
    String rcloneConfig = String.join("\n",
        "[offsite]",
        "type = s3",
        "provider = Other",
        "env_auth = false",
        "access_key_id = " + S3TestServer.ACCESS_KEY,
        "secret_access_key = " + S3TestServer.SECRET_KEY,
        "endpoint = " + offsite.endpoint(),
        "force_path_style = true",
        "no_check_bucket = true",
        "");
    runner = new BackupScriptRunner(temp, Map.of(
        BackupSchedules.PG_SECRET, Map.of("username", TestPostgres.adminUser(), "password", TestPostgres.adminPassword()),
        BackupSchedules.S3_SECRET, Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY),
        OFFSITE_SECRET, Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY),
        RCLONE_SECRET, Map.of("rclone.conf", rcloneConfig)));
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (String db : databases) {
      TestPostgres.dropDatabase(db);
    }
    if (primary != null) {
      primary.close();
    }
    if (offsite != null) {
      offsite.close();
    }
  }

  @Test
  void eachBackupIsCopiedToASecondEndpointAndAnRcloneRemoteWithRetentionAndRestoresFromTheCopyAlone() throws Exception {
    Instant now = Instant.now();
    String old = ID.format(now.minus(10, ChronoUnit.DAYS));
    String recent = ID.format(now.minus(2, ChronoUnit.DAYS));
    for (String[] place : new String[][] {{OFFSITE_BUCKET, "trading/nightly"}, {RCLONE_BUCKET, "prod/nightly"}}) {
      for (String id : List.of(old, recent)) {
        put(offsite, place[0], place[1] + "/" + id + "/dump.pgdump.gz", "old dump");
        put(offsite, place[0], place[1] + "/" + id + "/manifest.json", "{\"name\":\"" + id + "\"}");
      }
    }
    BackupSchedule schedule = schedule("nightly");
    BackupSchedules.s3(schedule, primary.endpoint(), PRIMARY_BUCKET, "trading/nightly");
    BackupSchedules.retention(schedule, "7d", null);
    schedule.getSpec().setCopies(List.of(
        s3Copy("offsite", OFFSITE_BUCKET, "trading/nightly", offsite.endpoint()),
        rcloneCopy("rclone-offsite", "offsite", RCLONE_BUCKET + "/prod/nightly")));
    BackupModel model = model(schedule);

    BackupScriptRunner.Run run = runner.run(BackupScriptsIT.backupContainer(model), model, Map.of());

    assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
    String id = run.result().get("name").asText();
    byte[] dump = get(primary, PRIMARY_BUCKET, "trading/nightly/" + id + "/dump.pgdump.gz");
    String manifest = new String(get(primary, PRIMARY_BUCKET, "trading/nightly/" + id + "/manifest.json"), StandardCharsets.UTF_8);
    JsonNode copies = run.result().get("copies");
    assertThat(copies).as(run.result().toString()).hasSize(2);
    assertThat(copies.get(0).get("name").asText()).isEqualTo("offsite");
    assertThat(copies.get(0).get("result").asText()).isEqualTo("Succeeded");
    assertThat(copies.get(0).get("location").asText()).isEqualTo("s3://" + OFFSITE_BUCKET + "/trading/nightly/" + id + "/");
    assertThat(copies.get(1).get("name").asText()).isEqualTo("rclone-offsite");
    assertThat(copies.get(1).get("result").asText()).isEqualTo("Succeeded");
    assertThat(copies.get(1).get("location").asText()).isEqualTo("offsite:" + RCLONE_BUCKET + "/prod/nightly/" + id + "/");
    // The same bytes and manifest in each copy; retention 7d removed the 10-day-old backup there too.
    for (String[] place : new String[][] {{OFFSITE_BUCKET, "trading/nightly"}, {RCLONE_BUCKET, "prod/nightly"}}) {
      assertThat(sha256(get(offsite, place[0], place[1] + "/" + id + "/dump.pgdump.gz"))).isEqualTo(sha256(dump))
          .isEqualTo(run.result().get("checksum").asText());
      assertThat(new String(get(offsite, place[0], place[1] + "/" + id + "/manifest.json"), StandardCharsets.UTF_8)).isEqualTo(manifest);
      assertThat(backupIds(offsite, place[0], place[1])).containsExactly(recent, id);
    }
    assertThat(copies.get(0).get("retentionDeleted").asInt()).isEqualTo(1);
    assertThat(copies.get(1).get("retentionDeleted").asInt()).isEqualTo(1);
    assertThat(run.stdout() + run.stderr()).doesNotContain(S3TestServer.SECRET_KEY).doesNotContain(TestPostgres.adminPassword());
    double backupSeconds = run.result().get("durationSeconds").asDouble();
    System.out.printf("copy overhead: backup (pg_dump + upload) %.3f s, %d bytes; copy to offsite (S3, second endpoint) %.3f s; "
            + "copy to rclone-offsite (rclone remote) %.3f s%n", backupSeconds, dump.length,
        copies.get(0).get("durationSeconds").asDouble(), copies.get(1).get("durationSeconds").asDouble());

    // What the operator makes of it: the backup and both copies succeeded.
    var status = statusFrom(run);
    assertThat(BackupStatusCalculatorTest.condition(status, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED).getStatus()).isEqualTo("True");
    var copied = BackupStatusCalculatorTest.condition(status, BackupStatusCalculator.LAST_COPY_SUCCEEDED);
    assertThat(copied.getStatus()).isEqualTo("True");
    assertThat(copied.getMessage()).isEqualTo("backup " + id + " copied to offsite, rclone-offsite");
    assertThat(status.getLastBackup().getCopies()).extracting(c -> c.getName() + "=" + c.getResult())
        .containsExactly("offsite=Succeeded", "rclone-offsite=Succeeded");

    // The primary loses the backup: each copy alone restores the same contents (checksum verified against its manifest).
    primary.blobStore().removeBlob(PRIMARY_BUCKET, "trading/nightly/" + id + "/dump.pgdump.gz");
    primary.blobStore().removeBlob(PRIMARY_BUCKET, "trading/nightly/" + id + "/manifest.json");
    for (String copy : List.of("offsite", "rclone-offsite")) {
      String restored = newDatabase("bk_from_copy");
      BackupScriptRunner.Run restore = runner.run(restoreFromCopy(model, restored, copy), model, Map.of());
      assertThat(restore.succeeded()).as(copy + ": " + restore.stdout() + restore.stderr()).isTrue();
      assertThat(restore.result().get("name").asText()).isEqualTo(id);
      assertThat(TradingDataset.fingerprint(restored)).as(copy).isEqualTo(TradingDataset.fingerprint(source));
    }

    // A new TradingDatabase from that backup, read from the copy (spec.bootstrap.fromBackup.copy): the
    // Job BootstrapRestore starts, run as its pod would run, restores the same contents.
    String bootstrapped = newDatabase("bk_bootstrap_copy");
    BackupScriptRunner.Run bootstrap = runBootstrapRestore(schedule, "rclone-offsite", bootstrapped);
    assertThat(bootstrap.succeeded()).as(bootstrap.stdout() + bootstrap.stderr()).isTrue();
    assertThat(bootstrap.result().get("name").asText()).isEqualTo(id);
    assertThat(TradingDataset.fingerprint(bootstrapped)).isEqualTo(TradingDataset.fingerprint(source));
  }

  /**
   * Benchmark, prints numbers: what the copies cost on a large dump (TRADINGDB_BENCH_TICKS ticks,
   * default 2,000,000), next to the backup itself and a restore from a copy. No timing assertion.
   */
  @Test
  @Tag("benchmark")
  void copyOverheadOnALargeDump() throws Exception {
    int ticks = Integer.parseInt(System.getenv().getOrDefault("TRADINGDB_BENCH_TICKS", "2000000"));
    String large = newDatabase("bk_copy_large");
    TradingDataset.create(large, ticks);
    BackupSchedule schedule = BackupSchedules.external("large", TestPostgres.host(), TestPostgres.port(), large);
    BackupSchedules.s3(schedule, primary.endpoint(), PRIMARY_BUCKET, "trading/large");
    schedule.getSpec().setCopies(List.of(
        s3Copy("offsite", OFFSITE_BUCKET, "trading/large", offsite.endpoint()),
        rcloneCopy("rclone-offsite", "offsite", RCLONE_BUCKET + "/large")));
    BackupModel model = model(schedule);

    BackupScriptRunner.Run run = runner.run(BackupScriptsIT.backupContainer(model), model, Map.of());

    assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
    JsonNode copies = run.result().get("copies");
    assertThat(copies).extracting(c -> c.get("result").asText()).containsOnly("Succeeded");
    String id = run.result().get("name").asText();
    long bytes = get(primary, PRIMARY_BUCKET, "trading/large/" + id + "/dump.pgdump.gz").length;
    double backup = run.result().get("durationSeconds").asDouble();
    double s3 = copies.get(0).get("durationSeconds").asDouble();
    double rclone = copies.get(1).get("durationSeconds").asDouble();
    String restored = newDatabase("bk_copy_large_restored");
    long started = System.nanoTime();
    BackupScriptRunner.Run restore = runner.run(restoreFromCopy(model, restored, "offsite"), model, Map.of());
    double restoreSeconds = (System.nanoTime() - started) / 1e9;
    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    System.out.printf("large dump copy overhead: %d ticks, %.1f MB gzip dump; backup (pg_dump + upload) %.2f s; "
            + "copy to offsite (S3) %.2f s (%.0f%% of the backup, %.1f MB/s); copy to rclone-offsite %.2f s (%.0f%%, %.1f MB/s); "
            + "restore from the S3 copy %.1f s%n", ticks, bytes / 1e6, backup, s3, 100 * s3 / backup, bytes / 1e6 / s3,
        rclone, 100 * rclone / backup, bytes / 1e6 / rclone, restoreSeconds);
  }

  /**
   * What the TradingDatabase reconciler does for a new cluster with spec.bootstrap.fromBackup
   * {backupSchedule, copy} once its primary is up, then the Job's container run here against
   * {@code database} of the test PostgreSQL (the pod would reach the new cluster's -rw Service).
   */
  private static BackupScriptRunner.Run runBootstrapRestore(BackupSchedule schedule, String copy, String database)
      throws Exception {
    String namespace = schedule.getMetadata().getNamespace();
    client.resource(schedule).create();
    TradingDatabase db = Samples.tradingDatabase(namespace, "from-copy");
    BootstrapSpec.FromBackup from = new BootstrapSpec.FromBackup();
    from.setBackupSchedule(schedule.getMetadata().getName());
    from.setCopy(copy);
    db.getSpec().setBootstrap(new BootstrapSpec());
    db.getSpec().getBootstrap().setFromBackup(from);
    ClusterModel cluster = ClusterModel.from(db);
    RestoreOutcome started = new BootstrapRestore(client).reconcile(db, cluster, true);
    assertThat(started.message()).isEqualTo("restoring backup latest of BackupSchedule nightly from its copy " + copy);
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(cluster.names().bootstrapRestoreJob()).get();
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("RESTORE_FROM_COPY");
      assertThat(e.getValue()).isEqualTo(copy);
    });
    // The new cluster's superuser Secret, as the Job's pod reads it; the database is this test's.
    Map<String, Map<String, String>> secrets = new java.util.HashMap<>(runner.secrets());
    container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .map(e -> e.getValueFrom().getSecretKeyRef().getName()).filter(name -> !secrets.containsKey(name))
        .forEach(name -> secrets.put(name, Map.of("username", TestPostgres.adminUser(), "password", TestPostgres.adminPassword())));
    BackupModel model = BackupModel.from(schedule, cluster.connectionTarget());
    return new BackupScriptRunner(temp, secrets).run(container, model, Map.of("PGHOST", TestPostgres.host(),
        "PGPORT", Integer.toString(TestPostgres.port()), "PGDATABASE", database, "PGSSLMODE", "disable"));
  }

  @Test
  void failedCopiesLeaveTheBackupSucceededAndRaiseTheirOwnConditionAndMetric() throws Exception {
    BackupSchedule schedule = schedule("copies-fail");
    // A volume as the storage this time: rclone copies from a local folder too.
    BackupSchedules.pvc(schedule, "backups", "copies-fail");
    schedule.getSpec().setCopies(List.of(
        s3Copy("gone", "no-such-bucket", "trading", offsite.endpoint()),
        s3Copy("down", OFFSITE_BUCKET, "trading", "http://127.0.0.1:" + BackupScriptsIT.closedLoopbackPort()),
        s3Copy("offsite", OFFSITE_BUCKET, "trading/copies-fail", offsite.endpoint())));
    BackupModel model = model(schedule);

    long started = System.nanoTime();
    BackupScriptRunner.Run run = runner.run(BackupScriptsIT.backupContainer(model), model, Map.of());
    System.out.printf("backup with two failing copies took %.1f s%n", (System.nanoTime() - started) / 1e9);

    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
    assertThat(run.succeeded()).isTrue();
    String id = run.result().get("name").asText();
    assertThat(runner.volume().resolve("copies-fail").resolve(id).resolve("manifest.json")).exists();
    JsonNode copies = run.result().get("copies");
    assertThat(copies.get(0).get("result").asText()).isEqualTo("Failed");
    assertThat(copies.get(0).get("reason").asText()).as(copies.toString()).isEqualTo("BucketNotFound");
    assertThat(copies.get(1).get("result").asText()).isEqualTo("Failed");
    assertThat(copies.get(0).get("message").asText()).contains("NoSuchBucket");
    assertThat(copies.get(1).get("reason").asText()).as(copies.toString()).isEqualTo("StorageUnreachable");
    assertThat(copies.get(1).get("message").asText()).contains("connection refused");
    assertThat(copies.get(2).get("result").asText()).isEqualTo("Succeeded");
    assertThat(backupIds(offsite, OFFSITE_BUCKET, "trading/copies-fail")).containsExactly(id);
    assertThat(JSON.readTree(run.terminationMessage())).isEqualTo(run.result());

    var status = statusFrom(run);
    var backedUp = BackupStatusCalculatorTest.condition(status, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED);
    assertThat(backedUp.getStatus()).isEqualTo("True");
    assertThat(status.getPhase()).isEqualTo("Scheduled");
    var copied = BackupStatusCalculatorTest.condition(status, BackupStatusCalculator.LAST_COPY_SUCCEEDED);
    assertThat(copied.getStatus()).isEqualTo("False");
    assertThat(copied.getReason()).isEqualTo("BucketNotFound");
    assertThat(copied.getMessage()).startsWith("backup " + id + " succeeded but was not copied to gone (BucketNotFound: ")
        .contains("; down (StorageUnreachable: ").doesNotContain("; offsite (");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BackupMetrics metrics = new BackupMetrics(registry);
    var outcome = outcomeFrom(run);
    metrics.record("trading", "copies-fail", null, outcome.status(), outcome.findings(), null);
    metrics.record("trading", "copies-fail", null, outcome.status(), outcome.findings(), null);
    assertThat(registry.get(BackupMetrics.COPY_LAST_SUCCEEDED).tag("copy", "gone").gauge().value()).isZero();
    assertThat(registry.get(BackupMetrics.COPY_LAST_SUCCEEDED).tag("copy", "down").gauge().value()).isZero();
    assertThat(registry.get(BackupMetrics.COPY_LAST_SUCCEEDED).tag("copy", "offsite").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get(BackupMetrics.COPY_FAILURES).tag("copy", "gone").counter().count()).as("counted once").isEqualTo(1.0);
    assertThat(registry.get(BackupMetrics.COPY_FAILURES).tag("copy", "offsite").counter().count()).isZero();
    assertThat(registry.get(BackupMetrics.FAILURES).counter().count()).as("the backup did not fail").isZero();
    assertThat(registry.get("tradingdb_backup_last_succeeded").gauge().value()).isEqualTo(1.0);
    // TradingDbBackupCopyFailed groups by the backup labels plus copy: the copy gauge carries them all.
    List<String> copyLabels = registry.get(BackupMetrics.COPY_LAST_SUCCEEDED).tag("copy", "offsite").gauge()
        .getId().getTags().stream().map(io.micrometer.core.instrument.Tag::getKey).toList();
    assertThat(copyLabels).containsAll(BackupMetrics.LABELS).contains(BackupMetrics.COPY_LABEL);
  }

  // --- helpers ---

  private static io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus statusFrom(BackupScriptRunner.Run run) {
    return outcomeFrom(run).status();
  }

  private static BackupStatusCalculator.Outcome outcomeFrom(BackupScriptRunner.Run run) {
    String finished = BackupStatusCalculator.format(Instant.now());
    var job = JobStates.job("it-copy", "backup", finished, finished, true, null);
    var pod = JobStates.pod("it-copy", finished, run.exitCode(), "Completed", run.terminationMessage());
    return BackupStatusCalculatorTest.compute(null, BackupStatusCalculator.format(Instant.now().plusSeconds(60)),
        List.of(job), List.of(pod));
  }

  /**
   * Storage and copy behind HTTPS with two private CAs (storage.s3.caSecretRef and the copy's): the
   * AWS CLI trusts the storage's CA through AWS_CA_BUNDLE, rclone one bundle with both, and the
   * restore from the copy reads it through its CA. The control: with the copy's CA swapped for the
   * storage's, the copy fails on the certificate while the backup itself succeeds.
   */
  @Test
  void privateCasOfTheStorageAndOfACopyAreTrustedForTheirOwnEndpoints() throws Exception {
    java.time.Instant now = Instant.now();
    var storageCa = io.tradingdb.operator.kube.CertificateAuthority.newCa("storage test CA", now);
    var copyCa = io.tradingdb.operator.kube.CertificateAuthority.newCa("copy test CA", now);
    try (S3TestServer storage = S3TestServer.https(Files.createDirectories(temp.resolve("s3-tls-storage")),
            io.tradingdb.operator.kube.CertificateAuthority.issueServer(storageCa, List.of("localhost"), now));
        S3TestServer copyServer = S3TestServer.https(Files.createDirectories(temp.resolve("s3-tls-copy")),
            io.tradingdb.operator.kube.CertificateAuthority.issueServer(copyCa, List.of("localhost"), now))) {
      // By name: the test CA issues DNS names only, and the AWS CLI matches an IP address against IP names alone.
      storage.createBucket(PRIMARY_BUCKET);
      copyServer.createBucket(OFFSITE_BUCKET);
      BackupSchedule schedule = schedule("private-ca");
      BackupSchedules.s3(schedule, storage.endpoint().replace("127.0.0.1", "localhost"), PRIMARY_BUCKET, "trading/private-ca");
      schedule.getSpec().getStorage().getS3().setCaSecretRef(new SecretKeyRef("storage-ca", null));
      BackupCopySpec copy = s3Copy("offsite", OFFSITE_BUCKET, "trading/private-ca", copyServer.endpoint().replace("127.0.0.1", "localhost"));
      copy.getS3().setCaSecretRef(new SecretKeyRef("offsite-ca", "root.pem"));
      schedule.getSpec().setCopies(List.of(copy));
      BackupModel model = model(schedule);
      Path cas = runner.caFolder();
      Files.createDirectories(cas.resolve("storage"));
      Files.createDirectories(cas.resolve("copy-1"));
      Files.writeString(cas.resolve("storage/ca.crt"), storageCa.certificate());

      // The control: the copy's endpoint with the storage's CA.
      Files.writeString(cas.resolve("copy-1/ca.crt"), storageCa.certificate());
      BackupScriptRunner.Run wrongCa = runner.run(BackupScriptsIT.backupContainer(model), model, Map.of());
      assertThat(wrongCa.succeeded()).as("the backup, with the copy's CA wrong: " + wrongCa.stdout() + wrongCa.stderr()).isTrue();
      assertThat(wrongCa.result().get("copies").get(0).get("result").asText()).as(wrongCa.result().toString()).isEqualTo("Failed");
      assertThat(wrongCa.result().get("copies").get(0).toString()).containsIgnoringCase("certificate");

      Files.writeString(cas.resolve("copy-1/ca.crt"), copyCa.certificate());
      BackupScriptRunner.Run run = runner.run(BackupScriptsIT.backupContainer(model), model, Map.of());
      assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
      assertThat(run.result().get("copies").get(0).get("result").asText()).as(run.result().toString()).isEqualTo("Succeeded");
      String id = run.result().get("name").asText();
      assertThat(get(storage, PRIMARY_BUCKET, "trading/private-ca/" + id + "/manifest.json")).isNotEmpty();
      assertThat(get(copyServer, OFFSITE_BUCKET, "trading/private-ca/" + id + "/manifest.json")).isNotEmpty();

      String restored = newDatabase("bk_private_ca");
      BackupScriptRunner.Run restore = runner.run(restoreFromCopy(model, restored, "offsite"), model, Map.of());
      assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
      assertThat(TradingDataset.fingerprint(restored)).isEqualTo(TradingDataset.fingerprint(source));
    }
  }

  private static BackupCopySpec s3Copy(String name, String bucket, String prefix, String endpoint) {
    BackupStorageSpec.S3Storage s3 = new BackupStorageSpec.S3Storage();
    s3.setBucket(bucket);
    s3.setPrefix(prefix);
    s3.setEndpoint(endpoint);
    s3.setCredentialsSecretRef(new LocalObjectRef(OFFSITE_SECRET));
    BackupCopySpec copy = new BackupCopySpec();
    copy.setName(name);
    copy.setS3(s3);
    return copy;
  }

  private static BackupCopySpec rcloneCopy(String name, String remote, String path) {
    BackupCopySpec.RcloneDestination rclone = new BackupCopySpec.RcloneDestination();
    rclone.setConfigSecretRef(new SecretKeyRef(RCLONE_SECRET, null));
    rclone.setRemote(remote);
    rclone.setPath(path);
    BackupCopySpec copy = new BackupCopySpec();
    copy.setName(name);
    copy.setEnabled(true);
    copy.setRclone(rclone);
    return copy;
  }

  private static BackupSchedule schedule(String name) {
    return BackupSchedules.external(name, TestPostgres.host(), TestPostgres.port(), source);
  }

  private static BackupModel model(BackupSchedule schedule) {
    return BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));
  }

  private static io.fabric8.kubernetes.api.model.Container restoreFromCopy(BackupModel model, String database, String copy) {
    return BackupWorkloads.restoreJob(model, "test", null, database, copy).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
  }

  private static String newDatabase(String prefix) throws Exception {
    String name = TestPostgres.createDatabase(prefix);
    databases.add(name);
    return name;
  }

  private static void put(S3TestServer server, String bucket, String key, String content) {
    var blobStore = server.blobStore();
    blobStore.putBlob(bucket, blobStore.blobBuilder(key).payload(content.getBytes(StandardCharsets.UTF_8)).build());
  }

  private static byte[] get(S3TestServer server, String bucket, String key) throws Exception {
    var blob = server.blobStore().getBlob(bucket, key);
    assertThat(blob).as("s3://%s/%s", bucket, key).isNotNull();
    try (var in = blob.getPayload().openStream()) {
      return in.readAllBytes();
    }
  }

  private static List<String> backupIds(S3TestServer server, String bucket, String prefix) {
    TreeSet<String> ids = new TreeSet<>();
    for (StorageMetadata m : server.blobStore().list(bucket, ListContainerOptions.Builder.prefix(prefix + "/").recursive())) {
      String rest = m.getName().substring(prefix.length() + 1);
      if (rest.endsWith("/manifest.json")) {
        ids.add(rest.substring(0, rest.indexOf('/')));
      }
    }
    return new ArrayList<>(ids);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
