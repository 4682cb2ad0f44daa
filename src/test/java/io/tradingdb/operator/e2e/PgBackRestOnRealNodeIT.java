package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static io.tradingdb.operator.e2e.RealNodeBackups.scalar;
import static io.tradingdb.operator.e2e.RealNodeBackups.text;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupRecord;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.backup.BackupStatusCalculator;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 14 section 6, pgBackRest on real pods. A one-instance TradingDatabase (the stand-in
 * timescaledb-ha image: PostgreSQL 17, Patroni, pgBackRest 2.55) archives its WAL into a pgBackRest
 * repository on a volume. A BackupSchedule with method pgBackRest takes a full backup (on demand)
 * and then an incremental one (its incremental CronJob's own Job), both as the operator's Jobs on
 * the real node talking to the instance's pgBackRest TLS server. A new TradingDatabase then
 * bootstraps from that repository to a point in time between two known writes.
 *
 * <p>The repository is a volume, not s3proxy: pgBackRest speaks only HTTPS to S3, and the real-node
 * suites' s3proxy serves plain HTTP on the bridge. pgBackRest to S3 over HTTPS with a private CA
 * ({@code storage.s3.caSecretRef}) runs on the host in {@code PgBackRestS3IT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestOnRealNodeIT {

  static final String SOURCE = "ledger";
  static final String RESTORED = "ledger-pitr";
  static final String SCHEDULE = "ledger-pitr-backups";
  static final String REPOSITORY = "pgbackrest-repo";
  /** The incremental schedule while no incremental backup is wanted (the test turns it to every minute). */
  static final String INCR_IDLE = "0 4 1 1 *";
  static final long FIRST_ROWS = 1000;
  static final long MORE_ROWS = 500;
  static final ObjectMapper JSON = new ObjectMapper();

  static KubernetesClient admin;
  static OperatorHarness operator;
  static String ns;
  static String fullLabel;
  static String incrLabel;
  static String targetTime;

  @BeforeAll
  static void start() throws Exception {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "pgbackrest", RealNodeOperator.RESTRICTED);
    operator = new OperatorHarness(RealCluster.client(), ns);
    // The repository volume, as a user creates it; ReadWriteOnce does for one instance on one node.
    admin.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(REPOSITORY).withNamespace(ns).endMetadata()
        .withNewSpec().withStorageClassName("standard-wffc").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null && ns != null) {
      // The operator still runs, to take the finalizers off.
      RealNodeOperator.deleteNamespace(admin, ns);
    }
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  @Order(1)
  void aFullThenAnIncrementalBackupRunAsTheOperatorsJobs() throws Exception {
    long t0 = System.nanoTime();
    admin.resource(RealNodeOperator.sample("tradingdatabase-development.yaml", ns, """
        {"metadata": {"name": "%s"},
         "spec": {"resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
           "pgBackRest": {"repository": {"pvc": {"claimName": "%s"}}}}}""".formatted(SOURCE, REPOSITORY))).create();
    awaitReady(SOURCE, Duration.ofMinutes(5));
    System.out.printf("pgBackRest source on the real node: apply to Ready %.1f s%n", (System.nanoTime() - t0) / 1e9);
    try (Connection c = connect(SOURCE)) {
      sql(c, "CREATE TABLE trades (id bigint PRIMARY KEY, note text NOT NULL)");
      sql(c, "INSERT INTO trades SELECT g, 'before the full backup' FROM generate_series(1, " + FIRST_ROWS + ") g");
      assertThat(text(c, "SHOW archive_mode")).isEqualTo("on");
      assertThat(text(c, "SHOW archive_command")).isEqualTo("pgbackrest --stanza=" + SOURCE + " archive-push %p");
    }

    admin.resource(Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: %s, namespace: %s}
        spec:
          target: {tradingDatabase: {name: %s}}
          method: pgBackRest
          schedule: "0 3 1 1 *"
          pgBackRest: {incrementalSchedule: "%s"}
        %s""".formatted(SCHEDULE, ns, SOURCE, INCR_IDLE, RealNodeBackups.SCHEDULING), BackupSchedule.class)).create();
    await().atMost(Duration.ofMinutes(1)).until(() -> status() != null && status().getPhase() != null);

    // The full backup: on demand, a Job the operator creates from the full CronJob's template.
    long fullStarted = System.nanoTime();
    BackupScheduleStatus afterFull = RealNodeBackups.backupNow(admin, ns, SCHEDULE, "full-1");
    double fullWall = (System.nanoTime() - fullStarted) / 1e9;
    String fullJob = afterFull.getOnDemand().getJob();
    assertThat(afterFull.getOnDemand().getResult()).as("%s\n%s", afterFull.getOnDemand(), jobLog(fullJob)).isEqualTo("Succeeded");
    BackupRecord full = afterFull.getLastBackup();
    assertThat(full.getResult()).as("%s", full).isEqualTo("Succeeded");
    assertThat(full.getJob()).isEqualTo(fullJob);
    fullLabel = full.getName();
    assertThat(fullLabel).matches("[0-9]{8}-[0-9]{6}F");
    assertThat(full.getLocation()).isEqualTo("pgbackrest:" + SOURCE + "/" + fullLabel);
    assertThat(full.getSizeBytes()).isPositive();
    assertOnRealNode(fullJob);
    assertThat(RealNodeBackups.condition(afterFull, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED)).isEqualTo("True");
    System.out.printf("pgBackRest full backup %s: %.1f s in pgBackRest, %d bytes; backup-now to status %.1f s%n",
        fullLabel, full.getDurationSeconds(), full.getSizeBytes(), fullWall);

    try (Connection c = connect(SOURCE)) {
      sql(c, "INSERT INTO trades SELECT g, 'between the full and the incremental' FROM generate_series("
          + (FIRST_ROWS + 1) + ", " + (FIRST_ROWS + MORE_ROWS) + ") g");
    }

    // The incremental backup: the incremental CronJob's own Job, at the next minute.
    long incrStarted = System.nanoTime();
    patchSpec("{\"pgBackRest\":{\"incrementalSchedule\":\"* * * * *\"}}");
    BackupScheduleStatus afterIncr = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
        .until(PgBackRestOnRealNodeIT::status, s -> s.getLastBackup() != null && !fullLabel.equals(s.getLastBackup().getName())
            && !fullJob.equals(s.getLastBackup().getJob()));
    double incrWall = (System.nanoTime() - incrStarted) / 1e9;
    patchSpec("{\"pgBackRest\":{\"incrementalSchedule\":\"" + INCR_IDLE + "\"}}");
    BackupRecord incr = afterIncr.getLastBackup();
    assertThat(incr.getResult()).as("%s\n%s", incr, jobLog(incr.getJob())).isEqualTo("Succeeded");
    incrLabel = incr.getName();
    // pgBackRest names an incremental backup after the backup it is based on.
    assertThat(incrLabel).matches(fullLabel + "_[0-9]{8}-[0-9]{6}I");
    Job incrJob = admin.batch().v1().jobs().inNamespace(ns).withName(incr.getJob()).get();
    assertThat(incrJob.getMetadata().getOwnerReferences()).extracting(o -> o.getKind() + "/" + o.getName())
        .containsExactly("CronJob/" + SCHEDULE + "-incr");
    assertOnRealNode(incr.getJob());
    assertThat(incr.getSizeBytes()).as("an incremental holds only what changed").isPositive().isLessThan(full.getSizeBytes());
    assertThat(afterIncr.getRecentBackups()).extracting(BackupRecord::getName).startsWith(incrLabel, fullLabel);
    System.out.printf("pgBackRest incremental backup %s: %.1f s in pgBackRest, %d bytes; schedule change to status %.1f s"
        + " (waits for the next minute)%n", incrLabel, incr.getDurationSeconds(), incr.getSizeBytes(), incrWall);

    // What pgBackRest itself says, read in the instance's pgBackRest container.
    JsonNode info = JSON.readTree(exec(SOURCE + "-0", ClusterStatefulSet.PGBACKREST_CONTAINER,
        "pgbackrest", "--stanza=" + SOURCE, "--output=json", "info")).get(0);
    JsonNode backups = info.path("backup");
    assertThat(backups).hasSize(2);
    assertThat(backups.get(0).path("label").asText()).isEqualTo(fullLabel);
    assertThat(backups.get(0).path("type").asText()).isEqualTo("full");
    assertThat(backups.get(1).path("label").asText()).isEqualTo(incrLabel);
    assertThat(backups.get(1).path("type").asText()).isEqualTo("incr");
    assertThat(backups.get(1).path("prior").asText()).isEqualTo(fullLabel);

    // Events a user sees on the schedule: the request and both successes.
    List<Event> events = events(SCHEDULE);
    assertThat(events).anyMatch(e -> "BackupRequested".equals(e.getReason()) && e.getMessage().contains(fullJob));
    assertThat(events).filteredOn(e -> "BackupSucceeded".equals(e.getReason())).extracting(Event::getMessage)
        .anyMatch(m -> m.startsWith("backup " + fullLabel + " stored at"))
        .anyMatch(m -> m.startsWith("backup " + incrLabel + " stored at"));
  }

  @Test
  @Order(2)
  void aNewClusterRecoversToATimeBetweenTwoWrites() throws Exception {
    assertThat(incrLabel).as("the backups of the first test").isNotNull();
    String segment;
    try (Connection c = connect(SOURCE)) {
      sql(c, "INSERT INTO trades VALUES (" + (FIRST_ROWS + MORE_ROWS + 1) + ", 'row A')");
      // T: the database's own clock after row A committed, then row B a moment later.
      targetTime = text(c, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
      Thread.sleep(1100);
      sql(c, "INSERT INTO trades VALUES (" + (FIRST_ROWS + MORE_ROWS + 2) + ", 'row B')");
      // Recovery must see a commit after T in the archive, so row B's segment is archived too.
      segment = text(c, "SELECT pg_walfile_name(pg_switch_wal())");
      String archived = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .until(() -> text(c, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"), w -> w.compareTo(segment) >= 0);
      assertThat(text(c, "SELECT failed_count FROM pg_stat_archiver")).isEqualTo("0");
      System.out.printf("target time %s; row B's WAL segment %s archived (last archived %s)%n", targetTime, segment, archived);
    }

    long t0 = System.nanoTime();
    admin.resource(RealNodeOperator.sample("tradingdatabase-development.yaml", ns, """
        {"metadata": {"name": "%s"},
         "spec": {"resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
           "bootstrap": {"fromBackup": {"targetTime": "%s",
             "pgBackRest": {"stanza": "%s", "repository": {"pvc": {"claimName": "%s"}}}}}}}"""
        .formatted(RESTORED, targetTime, SOURCE, REPOSITORY))).create();
    Condition restored = await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2)).until(
        () -> condition(RESTORED, ClusterStatus.RESTORED), c -> c != null && ("True".equals(c.getStatus())
            || "RestoreFailed".equals(c.getReason())));
    assertThat(restored.getStatus()).as("%s\n%s", restored.getMessage(), podLog(RESTORED + "-0")).isEqualTo("True");
    awaitReady(RESTORED, Duration.ofMinutes(2));
    System.out.printf("point-in-time restore on the real node: apply to Restored and Ready %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertThat(restored.getMessage()).contains("pgBackRest backup latest of stanza " + SOURCE)
        .contains("recovered to " + targetTime);

    try (Connection c = connect(RESTORED)) {
      assertThat(text(c, "SELECT pg_is_in_recovery()")).as("promoted at the target").isEqualTo("f");
      assertThat(scalar(c, "SELECT count(*) FROM trades")).isEqualTo(FIRST_ROWS + MORE_ROWS + 1);
      assertThat(scalar(c, "SELECT count(*) FROM trades WHERE note = 'before the full backup'")).isEqualTo(FIRST_ROWS);
      assertThat(scalar(c, "SELECT count(*) FROM trades WHERE note = 'between the full and the incremental'")).isEqualTo(MORE_ROWS);
      assertThat(scalar(c, "SELECT count(*) FROM trades WHERE note = 'row A'")).isEqualTo(1);
      assertThat(scalar(c, "SELECT count(*) FROM trades WHERE note = 'row B'")).isZero();
      // A new timeline: the restored cluster writes on its own.
      sql(c, "INSERT INTO trades VALUES (" + (FIRST_ROWS + MORE_ROWS + 3) + ", 'after the restore')");
    }
    try (Connection c = connect(SOURCE)) {
      assertThat(scalar(c, "SELECT count(*) FROM trades")).as("the source keeps both rows").isEqualTo(FIRST_ROWS + MORE_ROWS + 2);
    }
    assertThat(events(RESTORED)).extracting(Event::getReason).contains(ClusterStatus.RESTORING);
  }

  @Test
  @Order(3)
  void theRestoreTestRestoresTheLatestBackupInAJobAndReportsItsRows() throws Exception {
    assertThat(incrLabel).as("the backups of the first test").isNotNull();
    long t0 = System.nanoTime();
    patchSpec("{\"verification\":{\"enabled\":true,\"schedule\":\"* * * * *\",\"expectedTables\":[\"trades\"]}}");
    BackupScheduleStatus s = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
        .until(PgBackRestOnRealNodeIT::status, x -> x.getLastVerification() != null);
    patchSpec("{\"verification\":{\"enabled\":false}}");
    System.out.printf("pgBackRest restore test on the real node: enabled to result in status %.1f s (waits for the next minute)%n",
        (System.nanoTime() - t0) / 1e9);
    var v = s.getLastVerification();
    assertThat(v.getResult()).as("%s", v.getMessage()).isEqualTo("Succeeded");
    // The latest backup is the incremental one, taken with the first two batches of rows only.
    assertThat(v.getBackup()).isEqualTo(incrLabel);
    assertThat(v.getMessage()).isEqualTo("restored " + incrLabel + " into a scratch server and recovery finished:"
        + " expected tables present, 1 tables, " + (FIRST_ROWS + MORE_ROWS) + " rows");
    System.out.println("restore test: " + v.getMessage());
  }

  // --- helpers ---

  static void awaitReady(String name, Duration timeout) {
    Condition ready = await().atMost(timeout).pollInterval(Duration.ofSeconds(2))
        .until(() -> condition(name, Conditions.READY), c -> c != null && "True".equals(c.getStatus()));
    assertThat(ready.getStatus()).isEqualTo("True");
  }

  static Condition condition(String name, String type) {
    TradingDatabase db = admin.resources(TradingDatabase.class).inNamespace(ns).withName(name).get();
    return db == null || db.getStatus() == null ? null : Conditions.find(db.getStatus().getConditions(), type).orElse(null);
  }

  static BackupScheduleStatus status() {
    BackupSchedule s = admin.resources(BackupSchedule.class).inNamespace(ns).withName(SCHEDULE).get();
    return s == null ? null : s.getStatus();
  }

  static void patchSpec(String specJson) {
    admin.resources(BackupSchedule.class).inNamespace(ns).withName(SCHEDULE).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":" + specJson + "}");
  }

  static void assertOnRealNode(String job) {
    var pods = admin.pods().inNamespace(ns).withLabel("job-name", job).list().getItems();
    assertThat(pods).isNotEmpty().allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(RealNodeIT.REAL_NODE));
  }

  static List<Event> events(String involved) {
    return admin.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName())).toList();
  }

  static String jobLog(String job) {
    try {
      return job == null ? "" : admin.batch().v1().jobs().inNamespace(ns).withName(job).getLog();
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static String podLog(String pod) {
    try {
      return admin.pods().inNamespace(ns).withName(pod).inContainer(ClusterStatefulSet.CONTAINER).tailingLines(60).getLog();
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static String exec(String pod, String container, String... command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch = admin.pods().inNamespace(ns).withName(pod).inContainer(container)
        .writingOutput(out).writingError(err).exec(command)) {
      Integer code = watch.exitCode().get(60, TimeUnit.SECONDS);
      assertThat(code).as("%s: %s", String.join(" ", command), err).isZero();
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A cluster through its -rw Service as its superuser (TLS, as the cluster requires). */
  static Connection connect(String cluster) throws Exception {
    Secret superuser = admin.secrets().inNamespace(ns).withName(cluster + "-superuser").get();
    String ip = admin.services().inNamespace(ns).withName(cluster + "-rw").get().getSpec().getClusterIP();
    String database = admin.resources(TradingDatabase.class).inNamespace(ns).withName(cluster).get().getSpec().getDatabaseName();
    return RealNodeOperator.connectThroughService("jdbc:postgresql://" + ip + ":5432/" + database
        + "?sslmode=require&connectTimeout=10", RealNodeOperator.decodeString(superuser, "username"),
        RealNodeOperator.decodeString(superuser, "password"), Duration.ofSeconds(30));
  }

  static void sql(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

}
