package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.backup.BackupModel;
import io.tradingdb.operator.backup.BackupStatusCalculator;
import io.tradingdb.operator.backup.BackupWorkloads;
import io.tradingdb.operator.backup.S3TestServer;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.RealNodePostgres;
import io.tradingdb.operator.testsupport.TestExternalTargets;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 17 part 2 on real pods: the in-test operator runs a BackupSchedule whose Jobs run on the real
 * node (backup-tools stand-in with Debian's rclone) against PostgreSQL 17 with TimescaleDB 2.29.2 in a
 * pod, store on a local volume and copy each backup to s3proxy on the node's bridge address, once as
 * an S3 copy and once through an rclone remote from a Secret. A restore Job reads the copy alone into
 * a new database (TimescaleDB's pre/post-restore hooks included). A copy to a missing bucket leaves
 * the backup Succeeded and turns LastCopySucceeded False.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupCopyOnRealNodeIT {

  static final String BACKUP_TOOLS = RealNodeBackups.BACKUP_TOOLS;
  static final String BRIDGE = RealNodeBackups.BRIDGE;
  static final long TICKS = 3 * 40 * 144;

  static KubernetesClient admin;
  static OperatorHarness operator;
  static S3TestServer s3;
  static RealNodePostgres db;
  static String ns;

  @BeforeAll
  static void start() throws Exception {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "copies", RealNodeOperator.RESTRICTED);
    s3 = new S3TestServer(Files.createTempDirectory("s3-offsite"), BRIDGE);
    s3.createBucket("offsite");
    s3.createBucket("offsite-rclone");
    db = RealNodePostgres.start(admin, ns, "tsdb", Passwords.generate());
    try (Connection c = db.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE trading");
    }
    try (Connection c = db.connect("trading"); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION timescaledb");
      s.execute("CREATE TABLE ticks (time timestamptz NOT NULL, symbol text NOT NULL, price double precision)");
      s.execute("SELECT create_hypertable('ticks', by_range('time', INTERVAL '1 day'))");
      s.execute("INSERT INTO ticks SELECT t, sym, 100 + random() FROM generate_series(date_trunc('minute', now()) - INTERVAL '40 days'"
          + " + INTERVAL '10 minutes', date_trunc('minute', now()), INTERVAL '10 minutes') t, unnest(ARRAY['AAPL', 'MSFT', 'NVDA']) sym");
    }
    operator = new OperatorHarness(RealCluster.client(),
        ExternalTargetPolicy.parse("198.19.0.0/16", TestExternalTargets.DENIED), ns);
    secret("tsdb-admin", Map.of("username", "postgres", "password", db.password()));
    secret("offsite-s3", Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY));
    secret("rclone-config", Map.of("rclone.conf", String.join("\n", "[offsite]", "type = s3", "provider = Other",
        "env_auth = false", "access_key_id = " + S3TestServer.ACCESS_KEY, "secret_access_key = " + S3TestServer.SECRET_KEY,
        "endpoint = " + s3.endpoint(), "force_path_style = true", "no_check_bucket = true", "")));
    admin.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("backups").withNamespace(ns).endMetadata()
        .withNewSpec().withStorageClassName("standard-wffc").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
    admin.resource(Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: nightly, namespace: %s}
        spec:
          target:
            external: {host: "%s", port: 5432, database: trading, sslMode: disable, credentialsSecretRef: {name: tsdb-admin}}
          schedule: "0 3 * * *"
          image: %s
          storage: {pvc: {claimName: backups}}
          retention: {maxCount: 2}
          copies:
            - name: offsite
              s3: {bucket: offsite, prefix: trading/nightly, endpoint: "%s", credentialsSecretRef: {name: offsite-s3}}
            - name: offsite-rclone
              rclone: {configSecretRef: {name: rclone-config}, remote: offsite, path: offsite-rclone/trading/nightly}
        %s""".formatted(ns, db.serviceIp(), BACKUP_TOOLS, s3.endpoint(), RealNodeBackups.SCHEDULING), BackupSchedule.class))
        .create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    if (admin != null && ns != null) {
      admin.pods().inNamespace(ns).delete();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void aBackupOnTheRealNodeIsCopiedToBothDestinationsAndRestoresFromTheCopyAlone() throws Exception {
    long started = System.nanoTime();
    BackupScheduleStatus status = backupNow("copy-1");
    System.out.printf("on-demand backup with two copies on the real node: %.1f s (Job to status)%n",
        (System.nanoTime() - started) / 1e9);
    assertThat(status.getOnDemand().getResult()).as("%s", status.getOnDemand()).isEqualTo("Succeeded");
    var backup = status.getLastBackup();
    assertThat(backup.getTableRowCounts()).containsEntry("public.ticks", TICKS);
    assertThat(backup.getCopies()).extracting(c -> c.getName() + "=" + c.getResult())
        .as("%s", backup.getCopies()).containsExactly("offsite=Succeeded", "offsite-rclone=Succeeded");
    System.out.printf("copy overhead on the real node: backup %.3f s (%d bytes), offsite %.3f s, offsite-rclone %.3f s%n",
        backup.getDurationSeconds(), backup.getSizeBytes(), backup.getCopies().get(0).getDurationSeconds(),
        backup.getCopies().get(1).getDurationSeconds());
    assertThat(condition(status, BackupStatusCalculator.LAST_COPY_SUCCEEDED)).isEqualTo("True");
    assertThat(objects("offsite", "trading/nightly/" + backup.getName() + "/"))
        .anyMatch(k -> k.endsWith("/manifest.json")).anyMatch(k -> k.contains("/dump."));
    assertThat(objects("offsite-rclone", "trading/nightly/" + backup.getName() + "/"))
        .anyMatch(k -> k.endsWith("/manifest.json"));

    // A restore Job as BackupWorkloads builds it, reading the S3 copy only, into a new database.
    try (Connection c = db.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE restored");
    }
    BackupSchedule schedule = admin.resources(BackupSchedule.class).inNamespace(ns).withName("nightly").get();
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));
    Job restore = admin.resource(BackupWorkloads.restoreJob(model, "restore-from-offsite", backup.getName(), "restored", "offsite"))
        .create();
    Job done = RealNodeBackups.awaitFinished(admin, ns, restore.getMetadata().getName(), Duration.ofMinutes(5));
    String log = admin.batch().v1().jobs().inNamespace(ns).withName("restore-from-offsite").getLog();
    assertThat(done.getStatus().getConditions()).as(log).anyMatch(c -> "Complete".equals(c.getType()));
    assertThat(log).contains("\"name\":\"" + backup.getName() + "\"").contains("\"timescaledb\":true");
    assertThat(scalar("restored", "SELECT count(*) FROM ticks")).isEqualTo(TICKS);
    assertThat(scalar("restored", "SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name = 'ticks'"))
        .isEqualTo(1);
  }

  @Test
  @Order(2)
  void aFailedCopyLeavesTheBackupSucceeded() throws Exception {
    admin.resources(BackupSchedule.class).inNamespace(ns).withName("nightly").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"add\",\"path\":\"/spec/copies/-\",\"value\":{\"name\":\"gone\",\"s3\":{\"bucket\":\"no-such-bucket\","
            + "\"endpoint\":\"" + s3.endpoint() + "\",\"credentialsSecretRef\":{\"name\":\"offsite-s3\"}}}}]");
    BackupScheduleStatus status = backupNow("copy-2");
    assertThat(status.getOnDemand().getResult()).as("%s", status.getOnDemand()).isEqualTo("Succeeded");
    assertThat(condition(status, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED)).isEqualTo("True");
    var copied = Conditions.find(status.getConditions(), BackupStatusCalculator.LAST_COPY_SUCCEEDED).orElseThrow();
    assertThat(copied.getStatus()).isEqualTo("False");
    assertThat(copied.getReason()).isEqualTo("BucketNotFound");
    assertThat(copied.getMessage()).contains("not copied to gone");
    assertThat(status.getLastBackup().getCopies()).extracting(c -> c.getName() + "=" + c.getResult())
        .containsExactly("offsite=Succeeded", "offsite-rclone=Succeeded", "gone=Failed");
    assertThat(status.getPhase()).isEqualTo("Scheduled");
  }

  static BackupScheduleStatus backupNow(String token) {
    return RealNodeBackups.backupNow(admin, ns, "nightly", token);
  }

  static String condition(BackupScheduleStatus status, String type) {
    return RealNodeBackups.condition(status, type);
  }

  static List<String> objects(String bucket, String prefix) {
    return RealNodeBackups.objects(s3, bucket, prefix);
  }

  static long scalar(String database, String sql) throws Exception {
    try (Connection c = db.connect(database); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  static void secret(String name, Map<String, String> data) {
    RealNodeBackups.secret(admin, ns, name, data);
  }
}
