package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static io.tradingdb.operator.e2e.RealNodeBackups.scalar;
import static io.tradingdb.operator.e2e.RealNodeBackups.text;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.backup.BackupMetrics;
import io.tradingdb.operator.backup.BackupStatusCalculator;
import io.tradingdb.operator.backup.S3TestServer;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.RealNodePostgres;
import io.tradingdb.operator.testsupport.TestExternalTargets;
import io.tradingdb.operator.tradingdatabase.monitoring.ContainerSecurity;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 14 section 6 on real pods. A TimescaleDB source (PostgreSQL 17, TimescaleDB 2.29.2, in a pod)
 * is backed up by a BackupSchedule to s3proxy on the node's bridge: first by the CronJob controller's
 * own Job, then on demand until retention deletes the first backup. A new TradingDatabase is then
 * bootstrapped from that backup by the operator's restore Job, with TimescaleDB's pre/post-restore
 * hooks and without the application role that owns a table. The verification Job restores the backup
 * and reports the row counts, and a schedule whose S3 refuses its credentials fails, with the reason
 * in status and the failure counter on the operator's metrics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupsOnRealNodeIT {

  static final String BUCKET = "dumps";
  static final String PREFIX = "trading/dumps";
  static final long TICKS = 3 * 30 * 144;
  static final long ORDERS = 250;
  static final String RESTORED = "trading-restored";

  static KubernetesClient admin;
  static OperatorHarness operator;
  static PrometheusMeterRegistry metrics;
  static S3TestServer s3;
  static RealNodePostgres source;
  static String ns;
  static final List<String> backups = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "backups", RealNodeOperator.RESTRICTED);
    s3 = new S3TestServer(Files.createTempDirectory("s3-dumps"), RealNodeBackups.BRIDGE);
    s3.createBucket(BUCKET);
    source = RealNodePostgres.start(admin, ns, "tsdb", Passwords.generate());
    sql(source.connect("postgres"), "CREATE DATABASE trading");
    // Ticks over 30 daily chunks, and a table owned by an application role that only the source has.
    sql(source.connect("trading"), "CREATE EXTENSION timescaledb;"
        + " CREATE TABLE ticks (time timestamptz NOT NULL, symbol text NOT NULL, price double precision);"
        + " SELECT create_hypertable('ticks', by_range('time', INTERVAL '1 day'));"
        + " INSERT INTO ticks SELECT t, sym, 100 + random() FROM generate_series(date_trunc('day', now()) - INTERVAL '30 days',"
        + " date_trunc('day', now()) - INTERVAL '10 minutes', INTERVAL '10 minutes') t, unnest(ARRAY['AAPL', 'MSFT', 'NVDA']) sym;"
        + " CREATE ROLE orders_owner NOLOGIN;"
        + " CREATE TABLE orders (id bigint PRIMARY KEY, symbol text NOT NULL, qty int NOT NULL);"
        + " INSERT INTO orders SELECT g, 'AAPL', g FROM generate_series(1, " + ORDERS + ") g;"
        + " ALTER TABLE orders OWNER TO orders_owner");
    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator = new OperatorHarness(RealCluster.client(), metrics,
        ExternalTargetPolicy.parse("198.19.0.0/16", TestExternalTargets.DENIED), ns);
    RealNodeBackups.secret(admin, ns, "tsdb-admin", Map.of("username", "postgres", "password", source.password()));
    RealNodeBackups.secret(admin, ns, "dumps-s3",
        Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY));
    RealNodeBackups.secret(admin, ns, "refused-s3",
        Map.of("AWS_ACCESS_KEY_ID", "not-a-key", "AWS_SECRET_ACCESS_KEY", Passwords.generate()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null && ns != null) {
      // The next suites get the node's cores back; the operator still runs to clear finalizers.
      RealNodeOperator.deleteNamespace(admin, ns);
    }
    if (operator != null) {
      operator.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void theCronJobsOwnJobDumpsToS3AndRetentionDeletesTheOldestDump() throws Exception {
    long t0 = System.nanoTime();
    schedule("dumps", "* * * * *", "dumps-s3", "retention: {maxCount: 2}");
    // The first backup comes from the CronJob controller at the next minute, not from the operator.
    BackupScheduleStatus first = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
        .until(() -> status("dumps"), s -> s != null && s.getLastBackup() != null);
    System.out.printf("pg_dump BackupSchedule on the real node: schedule created to first scheduled backup in status %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
    // No second scheduled run while the rest runs on demand.
    admin.resources(BackupSchedule.class).inNamespace(ns).withName("dumps").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"schedule\":\"0 3 * * *\"}}");
    var record = first.getLastBackup();
    assertThat(record.getResult()).as("%s", record).isEqualTo("Succeeded");
    Job scheduled = admin.batch().v1().jobs().inNamespace(ns).withName(record.getJob()).get();
    assertThat(scheduled.getMetadata().getOwnerReferences()).extracting(OwnerReference::getKind).containsExactly("CronJob");
    assertThat(scheduled.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("kubernetes.io/hostname", "real-node");
    assertThat(record.getTableRowCounts()).containsEntry("public.ticks", TICKS).containsEntry("public.orders", ORDERS);
    assertThat(record.getLocation()).startsWith("s3://" + BUCKET + "/" + PREFIX + "/" + record.getName() + "/");
    String firstPrefix = PREFIX + "/" + record.getName() + "/";
    assertThat(RealNodeBackups.objects(s3, BUCKET, firstPrefix)).anyMatch(k -> k.endsWith("/manifest.json"))
        .anyMatch(k -> k.contains("/dump."));
    backups.add(record.getName());
    System.out.printf("scheduled pg_dump backup: %.3f s, %d bytes%n", record.getDurationSeconds(), record.getSizeBytes());

    for (String token : List.of("second", "third")) {
      Thread.sleep(1100); // backup names have a resolution of one second
      BackupScheduleStatus s = RealNodeBackups.backupNow(admin, ns, "dumps", token);
      assertThat(s.getOnDemand().getResult()).as("%s", s.getOnDemand()).isEqualTo("Succeeded");
      backups.add(s.getLastBackup().getName());
      System.out.printf("on-demand pg_dump backup %s: %.3f s, %d bytes%n", token, s.getLastBackup().getDurationSeconds(),
          s.getLastBackup().getSizeBytes());
    }
    // maxCount 2: the third backup's own run deleted the first one, and says so.
    String log = admin.batch().v1().jobs().inNamespace(ns).withName(status("dumps").getOnDemand().getJob()).getLog();
    assertThat(log).contains("\"retention\":{\"deleted\":[\"" + backups.get(0) + "\"]");
    assertThat(RealNodeBackups.objects(s3, BUCKET, firstPrefix)).as("the first backup's objects").isEmpty();
    assertThat(RealNodeBackups.objects(s3, BUCKET, PREFIX + "/")).filteredOn(k -> k.endsWith("/manifest.json"))
        .containsExactlyInAnyOrder(PREFIX + "/" + backups.get(1) + "/manifest.json", PREFIX + "/" + backups.get(2) + "/manifest.json");
  }

  @Test
  @Order(2)
  void aNewTradingDatabaseIsBootstrappedFromThePgDumpWithItsHypertableAndChunks() throws Exception {
    String backup = backups.get(backups.size() - 1);
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-development.yaml", ns, """
        {"metadata": {"name": "%s"},
         "spec": {"databaseName": "trading",
           "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
           "bootstrap": {"fromBackup": {"backupSchedule": "dumps", "backupName": "%s"}}}}""".formatted(RESTORED, backup));
    long t0 = System.nanoTime();
    admin.resource(db).create();
    Condition restored = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(3)).until(
        () -> restoredCondition(), c -> c != null && ("True".equals(c.getStatus()) || "RestoreFailed".equals(c.getReason())));
    String jobName = RESTORED + "-bootstrap-restore";
    String log = admin.batch().v1().jobs().inNamespace(ns).withName(jobName).getLog();
    assertThat(restored.getStatus()).as(restored.getMessage() + "\n" + log).isEqualTo("True");
    System.out.printf("bootstrap from pg_dump on the real node: apply to Restored %.1f s%n", (System.nanoTime() - t0) / 1e9);

    // The restore Job ran TimescaleDB's procedure around pg_restore, and reported the missing owner.
    assertThat(log).contains("timescaledb_pre_restore() and timescaledb_post_restore() ran around pg_restore")
        .contains("\"timescaledbHooks\":{\"preRestore\":true,\"postRestore\":true}")
        .contains("\"ownersRestored\":false").contains("\"rolesMissing\":[\"orders_owner\"]")
        .contains("\"name\":\"" + backup + "\"");
    assertThat(restored.getMessage()).contains("backup " + backup + " of BackupSchedule dumps")
        .contains("owners and grants not restored, these roles do not exist here: orders_owner");

    try (Connection target = connectRestored(); Connection from = source.connect("trading")) {
      for (String table : List.of("ticks", "orders")) {
        assertThat(scalar(target, "SELECT count(*) FROM " + table)).as(table).isEqualTo(scalar(from, "SELECT count(*) FROM " + table));
      }
      String chunks = "SELECT string_agg(chunk_name || ' ' || range_start || ' ' || range_end, ', ' ORDER BY range_start)"
          + " FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'";
      String sourceChunks = text(from, chunks);
      assertThat(text(target, chunks)).isEqualTo(sourceChunks);
      assertThat(scalar(target, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"))
          .isGreaterThanOrEqualTo(30);
      assertThat(text(target, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).isEqualTo(text(target, "SELECT current_user"));
      // Out of restore mode: a new session is not restoring, and a row in a new chunk lands in the hypertable.
      assertThat(text(target, "SHOW timescaledb.restoring")).isEqualTo("off");
      try (Statement st = target.createStatement()) {
        st.execute("INSERT INTO ticks VALUES (now() + INTERVAL '2 days', 'AAPL', 1)");
      }
      assertThat(scalar(target, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"))
          .isEqualTo(scalar(from, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'") + 1);
      System.out.printf("restored: %d ticks in %d chunks, %d orders%n", scalar(from, "SELECT count(*) FROM ticks"),
          scalar(from, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"), ORDERS);
    }
  }

  @Test
  @Order(3)
  void theVerificationJobRestoresTheLatestBackupAndReportsItsRowCounts() throws Exception {
    long t0 = System.nanoTime();
    admin.resources(BackupSchedule.class).inNamespace(ns).withName("dumps").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"verification\":{\"enabled\":true,\"schedule\":\"* * * * *\",\"expectedTables\":[\"ticks\",\"orders\"]}}}");
    BackupScheduleStatus s = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
        .until(() -> status("dumps"), x -> x.getLastVerification() != null);
    admin.resources(BackupSchedule.class).inNamespace(ns).withName("dumps").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"verification\":{\"enabled\":false}}}");
    System.out.printf("verification Job on the real node: enabled to result in status %.1f s%n", (System.nanoTime() - t0) / 1e9);
    var v = s.getLastVerification();
    assertThat(v.getResult()).as("%s", v.getMessage()).isEqualTo("Succeeded");
    assertThat(v.getBackup()).isEqualTo(backups.get(backups.size() - 1));
    Map<String, Long> counts = s.getLastBackup().getTableRowCounts();
    assertThat(counts).containsEntry("public.ticks", TICKS).containsEntry("public.orders", ORDERS);
    long rows = counts.values().stream().mapToLong(Long::longValue).sum();
    assertThat(v.getMessage()).contains(counts.size() + " tables, " + rows + " rows, counts match the manifest");
    System.out.println("verification: " + v.getMessage());
    assertThat(RealNodeBackups.condition(s, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED)).isEqualTo("True");
  }

  @Test
  @Order(4)
  void anS3EndpointThatRefusesTheCredentialsFailsTheJobWithTheReasonAndTheFailureMetric() throws Exception {
    schedule("refused", "0 3 * * *", "refused-s3", "");
    await().atMost(Duration.ofMinutes(1)).until(() -> status("refused") != null && status("refused").getPhase() != null);
    BackupScheduleStatus s = RealNodeBackups.backupNow(admin, ns, "refused", "bad-keys");
    assertThat(s.getOnDemand().getResult()).isEqualTo("Failed");
    Job job = admin.batch().v1().jobs().inNamespace(ns).withName(s.getOnDemand().getJob()).get();
    assertThat(job.getStatus().getConditions()).anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
    var failed = Conditions.find(s.getConditions(), BackupStatusCalculator.LAST_BACKUP_SUCCEEDED).orElseThrow();
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo("StorageAccessDenied");
    assertThat(failed.getMessage()).containsAnyOf("InvalidAccessKeyId", "AccessDenied", "SignatureDoesNotMatch", "403");
    assertThat(s.getLastFailureReason()).startsWith("StorageAccessDenied: ");
    // The counter the TradingDbBackupFailed alert reads, as /metrics serves it.
    String series = await().atMost(Duration.ofSeconds(30)).until(() -> metric(BackupMetrics.FAILURES, "refused"), v -> v != null);
    assertThat(series).contains("tradingdatabase_namespace=\"" + ns + "\"").endsWith(" 1.0");
    System.out.println("refused credentials: " + failed.getReason() + ": " + failed.getMessage() + "; " + series);
  }

  @Test
  @Order(5)
  void benchmarkTheOperatorsPgDumpAgainstARawPgDumpFromAPod() throws Exception {
    // Prints, asserts only that both ran: the same database, format and compression, both from a pod
    // on the real node; the operator's backup also hashes, uploads to S3 and counts rows in the snapshot.
    Thread.sleep(1100);
    BackupScheduleStatus s = RealNodeBackups.backupNow(admin, ns, "dumps", "benchmark");
    assertThat(s.getOnDemand().getResult()).isEqualTo("Succeeded");
    admin.resource(new PodBuilder().withNewMetadata().withName("raw-pg-dump").withNamespace(ns).endMetadata()
        .withNewSpec().withRestartPolicy("Never").withNodeSelector(RealNodePostgres.ON_REAL_NODE)
        .withTolerations(RealNodePostgres.REAL_NODE_TOLERATION)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(999L).withRunAsGroup(999L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("pg-dump").withImage(RealNodeBackups.BACKUP_TOOLS).withImagePullPolicy("IfNotPresent")
        .withSecurityContext(ContainerSecurity.restricted())
        .withCommand("bash", "-ec", """
            start=$(date +%s.%N)
            pg_dump -h "$DB_HOST" -U postgres -d trading --no-password -Fc -Z zstd:3 -f /scratch/dump
            end=$(date +%s.%N)
            echo "raw pg_dump: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') s, $(stat -c %s /scratch/dump) bytes"
            """)
        .addNewEnv().withName("DB_HOST").withValue(source.serviceIp()).endEnv()
        .addNewEnv().withName("PGPASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "tsdb-admin", false)
        .endValueFrom().endEnv()
        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().build()).create();
    Pod done = admin.pods().inNamespace(ns).withName("raw-pg-dump").waitUntilCondition(
        p -> p != null && p.getStatus() != null && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()),
        3, java.util.concurrent.TimeUnit.MINUTES);
    String log = admin.pods().inNamespace(ns).withName("raw-pg-dump").getLog();
    assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
    System.out.printf("benchmark, same database from a pod on the real node: operator's pg_dump backup %.3f s, %d bytes"
        + " (dump, sha256, S3 upload, row counts); %s%n", s.getLastBackup().getDurationSeconds(), s.getLastBackup().getSizeBytes(),
        log.lines().filter(l -> l.startsWith("raw pg_dump")).findFirst().orElseThrow());
  }

  // --- helpers ---

  static void schedule(String name, String cron, String credentials, String extra) {
    admin.resource(Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: %s, namespace: %s}
        spec:
          target:
            external: {host: "%s", port: 5432, database: trading, sslMode: disable, credentialsSecretRef: {name: tsdb-admin}}
          schedule: "%s"
          image: %s
          pgDump: {format: custom, compression: {algorithm: zstd, level: 3}}
          storage:
            s3: {bucket: %s, prefix: %s, endpoint: "%s", credentialsSecretRef: {name: %s}}
          %s
        %s""".formatted(name, ns, source.serviceIp(), cron, RealNodeBackups.BACKUP_TOOLS, BUCKET, PREFIX, s3.endpoint(),
        credentials, extra, RealNodeBackups.SCHEDULING), BackupSchedule.class)).create();
  }

  static BackupScheduleStatus status(String name) {
    BackupSchedule s = admin.resources(BackupSchedule.class).inNamespace(ns).withName(name).get();
    return s == null ? null : s.getStatus();
  }

  static Condition restoredCondition() {
    TradingDatabase db = admin.resources(TradingDatabase.class).inNamespace(ns).withName(RESTORED).get();
    return db == null || db.getStatus() == null ? null
        : Conditions.find(db.getStatus().getConditions(), ClusterStatus.RESTORED).orElse(null);
  }

  /** The new cluster through its -rw Service, as its superuser (TLS, as the cluster requires). */
  static Connection connectRestored() throws Exception {
    Secret superuser = admin.secrets().inNamespace(ns).withName(RESTORED + "-superuser").get();
    String ip = admin.services().inNamespace(ns).withName(RESTORED + "-rw").get().getSpec().getClusterIP();
    return RealNodeOperator.connectThroughService("jdbc:postgresql://" + ip + ":5432/trading?sslmode=require&connectTimeout=10",
        RealNodeOperator.decodeString(superuser, "username"), RealNodeOperator.decodeString(superuser, "password"),
        Duration.ofSeconds(30));
  }

  /** The line of one schedule's series in the Prometheus text the operator's /metrics serves, or null. */
  static String metric(String name, String schedule) {
    return metrics.scrape().lines().filter(l -> l.startsWith(name + "{") && l.contains("backupschedule=\"" + schedule + "\""))
        .findFirst().orElse(null);
  }

  static void sql(Connection c, String sql) throws Exception {
    try (c; Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

}
