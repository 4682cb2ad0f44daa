package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.backup.BackupStatusCalculator;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.RealNodePostgres;
import io.tradingdb.operator.testsupport.TestExternalTargets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 17 part 3 on the real API server and the real node: docs/examples/argocd-presync-migration.yaml
 * as written (ServiceAccount, Role, RoleBinding, Job with four kubectl init containers) with two
 * images swapped: the init containers run a local image holding only the host's static kubectl (as
 * registry.k8s.io/kubectl does), and the migration container is the backup-tools image applying SQL
 * files with psql. The in-test operator runs the BackupSchedule; its backup Job runs on the real node
 * (spec.scheduling) against a PostgreSQL pod there and writes to a local volume. A good backup lets the
 * migration run; a backup that fails (wrong password) fails the hook before the migration container starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationHookOnRealNodeIT {

  static final String BACKUP_TOOLS = "localhost/tradingdb/backup-tools:pg17";
  static final String HOOK_IMAGE = "localhost/tradingdb/hook-kubectl:test";
  static final String SCHEDULE = "ai-trading-nightly";
  static final Path EXAMPLE = RealNodeOperator.PROJECT.resolve("docs/examples/argocd-presync-migration.yaml");
  static final Toleration REAL_NODE_TOLERATION = RealNodePostgres.REAL_NODE_TOLERATION;
  static final Map<String, String> ON_REAL_NODE = RealNodePostgres.ON_REAL_NODE;
  static final String PASSWORD = Passwords.generate();

  static KubernetesClient admin;
  static OperatorHarness operator;
  static String ns;
  static RealNodePostgres db;

  @BeforeAll
  static void start() throws Exception {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    importKubectlImage();
    ns = RealCluster.createNamespace(admin, "migrate", RealNodeOperator.RESTRICTED);
    db = RealNodePostgres.start(admin, ns, "appdb", PASSWORD);
    String serviceIp = db.serviceIp();
    // The backup Job reaches the database by its Service IP: allow that range, deny what the chart denies.
    operator = new OperatorHarness(RealCluster.client(),
        ExternalTargetPolicy.parse("198.19.0.0/16", TestExternalTargets.DENIED), ns);

    secret("appdb-admin", Map.of("username", "postgres", "password", PASSWORD));
    secret("appdb-wrong", Map.of("username", "postgres", "password", "not-" + PASSWORD));
    // The shape of a DbUser's connection Secret, which the example's migration container reads.
    secret("ai-trading-app-connection", Map.of("username", "postgres", "password", PASSWORD, "host", serviceIp,
        "port", "5432", "dbname", "postgres"));
    admin.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("backups").withNamespace(ns).endMetadata()
        .withNewSpec().withStorageClassName("standard-wffc").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
    BackupSchedule schedule = Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: %s, namespace: %s}
        spec:
          target:
            external: {host: "%s", port: 5432, database: postgres, sslMode: disable, credentialsSecretRef: {name: appdb-admin}}
          schedule: "0 3 * * *"
          image: %s
          storage: {pvc: {claimName: backups}}
          scheduling:
            nodeSelector: {kubernetes.io/hostname: real-node}
            tolerations: [{key: tradingdb.io/real-node, operator: Exists, effect: NoSchedule}]
        """.formatted(SCHEDULE, ns, serviceIp, BACKUP_TOOLS), BackupSchedule.class);
    admin.resource(schedule).create();
    // The example's RBAC objects, as written.
    for (HasMetadata o : example()) {
      if (!(o instanceof Job)) {
        o.getMetadata().setNamespace(ns);
        if (o instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding binding) {
          binding.getSubjects().forEach(s -> s.setNamespace(ns));
        }
        admin.resource(o).create();
      }
    }
    sql("CREATE TABLE fills (id int PRIMARY KEY, venue text); INSERT INTO fills SELECT g, 'XLON' FROM generate_series(1, 1000) g");
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (admin != null && ns != null) {
      // The real node's cores go back to the next suite; the namespace itself may stay (RealCluster).
      admin.pods().inNamespace(ns).delete();
    }
  }

  @Test
  @Order(1)
  void aSucceededBackupLetsTheMigrationRun() throws Exception {
    migrations("migrations-1", Map.of(
        "001_orders_v2.sql", "CREATE TABLE orders_v2 (id bigint PRIMARY KEY, venue text NOT NULL);",
        "002_seed.sql", "INSERT INTO orders_v2 SELECT g, 'XNAS' FROM generate_series(1, 100) g;"));
    String token = "c0ffee" + UUID.randomUUID().toString().substring(0, 8);
    long started = System.nanoTime();
    Job job = runHook(token, "migrations-1");
    Job done = awaitFinished(job);
    System.out.printf("migration hook (backup, then migration) took %.1f s%n", (System.nanoTime() - started) / 1e9);

    Pod pod = podOf(done);
    assertThat(condition(done)).as("Job %s, pod %s", done.getStatus(), pod.getStatus()).isEqualTo("Complete");
    for (ContainerStatus init : pod.getStatus().getInitContainerStatuses()) {
      assertThat(init.getState().getTerminated().getExitCode()).as(init.getName()).isZero();
    }
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
    assertThat(admin.pods().inNamespace(ns).withName(pod.getMetadata().getName()).inContainer("migrate").getLog())
        .contains("applying /migrations/001_orders_v2.sql", "applying /migrations/002_seed.sql");
    BackupScheduleStatus status = status();
    assertThat(status.getOnDemand().getToken()).isEqualTo(token);
    assertThat(status.getOnDemand().getResult()).isEqualTo("Succeeded");
    assertThat(status.getOnDemand().getMessage()).startsWith("backup ");
    assertThat(status.getLastBackup().getTableRowCounts()).containsEntry("public.fills", 1000L)
        .doesNotContainKey("public.orders_v2");
    assertThat(count("orders_v2")).isEqualTo(100);
  }

  @Test
  @Order(2)
  void aFailedBackupStopsTheMigrationBeforeItStarts() throws Exception {
    admin.resources(BackupSchedule.class).inNamespace(ns).withName(SCHEDULE).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"target\":{\"external\":{\"credentialsSecretRef\":{\"name\":\"appdb-wrong\"}}}}}");
    migrations("migrations-2", Map.of("003_never.sql", "CREATE TABLE never_applied (id int);"));
    String token = "deadbeef" + UUID.randomUUID().toString().substring(0, 8);
    Job done = awaitFinished(runHook(token, "migrations-2"));

    Pod pod = podOf(done);
    assertThat(condition(done)).isEqualTo("Failed");
    Map<String, ContainerStatus> inits = new java.util.HashMap<>();
    pod.getStatus().getInitContainerStatuses().forEach(s -> inits.put(s.getName(), s));
    for (String step : List.of("request-backup", "backup-started", "backup-finished")) {
      assertThat(inits.get(step).getState().getTerminated().getExitCode()).as(step).isZero();
    }
    assertThat(inits.get("backup-succeeded").getState().getTerminated().getExitCode()).as("backup-succeeded").isNotZero();
    ContainerStatus migrate = pod.getStatus().getContainerStatuses().get(0);
    assertThat(migrate.getState().getRunning()).as("the migration container never started").isNull();
    assertThat(migrate.getState().getTerminated()).isNull();
    BackupScheduleStatus status = status();
    assertThat(status.getOnDemand().getToken()).isEqualTo(token);
    assertThat(status.getOnDemand().getResult()).isEqualTo("Failed");
    assertThat(status.getOnDemand().getMessage()).contains("password authentication failed");
    assertThat(Conditions.find(status.getConditions(), BackupStatusCalculator.LAST_BACKUP_SUCCEEDED).orElseThrow().getReason())
        .isEqualTo("AuthenticationFailed");
    assertThat(tableExists("never_applied")).isFalse();
    assertThat(count("orders_v2")).isEqualTo(100);
  }

  // --- the hook ---

  /** The example's Job with the two images swapped, the token set and the pod placed on the real node. */
  static Job runHook(String token, String migrations) throws Exception {
    Job job = (Job) example().stream().filter(o -> o instanceof Job).findFirst().orElseThrow();
    job.getMetadata().setNamespace(ns);
    var pod = job.getSpec().getTemplate().getSpec();
    pod.setNodeSelector(ON_REAL_NODE);
    pod.setTolerations(List.of(REAL_NODE_TOLERATION));
    assertThat(pod.getInitContainers()).extracting(Container::getName)
        .containsExactly("request-backup", "backup-started", "backup-finished", "backup-succeeded");
    for (Container init : pod.getInitContainers()) {
      init.setImage(HOOK_IMAGE);
      init.setImagePullPolicy("IfNotPresent");
      for (EnvVar e : init.getEnv()) {
        if (e.getName().equals("TOKEN")) {
          e.setValue(token);
        }
      }
    }
    Container migrate = pod.getContainers().get(0);
    assertThat(migrate.getName()).isEqualTo("migrate");
    migrate.setImage(BACKUP_TOOLS);
    migrate.setImagePullPolicy("IfNotPresent");
    migrate.setCommand(List.of("bash", "-ec", """
        export PGHOST="$host" PGPORT="$port" PGUSER="$username" PGPASSWORD="$password" PGDATABASE="$dbname" PGSSLMODE=disable
        for f in /migrations/*.sql; do echo "applying $f"; psql -X -q -v ON_ERROR_STOP=1 -f "$f"; done
        """));
    migrate.setVolumeMounts(List.of(new VolumeMountBuilder().withName("migrations").withMountPath("/migrations").withReadOnly(true).build()));
    pod.setVolumes(List.of(new VolumeBuilder().withName("migrations").withNewConfigMap().withName(migrations).endConfigMap().build()));
    return admin.resource(job).create();
  }

  static Job awaitFinished(Job job) {
    return admin.batch().v1().jobs().inNamespace(ns).withName(job.getMetadata().getName())
        .waitUntilCondition(j -> j != null && condition(j) != null, 6, TimeUnit.MINUTES);
  }

  static String condition(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()) && List.of("Complete", "Failed").contains(c.getType()))
        .map(c -> c.getType()).findFirst().orElse(null);
  }

  static Pod podOf(Job job) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> admin.pods().inNamespace(ns)
        .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName()).list().getItems().stream()
        .findFirst().orElse(null), p -> p != null && p.getStatus().getInitContainerStatuses() != null);
  }

  static List<HasMetadata> example() throws Exception {
    try (InputStream in = Files.newInputStream(EXAMPLE)) {
      return admin.load(in).items();
    }
  }

  /** An image holding only the host's static kubectl, as registry.k8s.io/kubectl holds only its own. */
  static void importKubectlImage() throws Exception {
    Path kubectl = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
    if (!Files.isExecutable(kubectl)) {
      kubectl = Path.of("/usr/bin/kubectl").toRealPath();
    }
    Path socket = RealNodeOperator.kubeconfig().getParent().resolve("node/containerd.sock");
    Path work = Files.createTempDirectory("hook-image");
    String script = """
        set -e
        cd "$WORK"
        umoci init --layout oci >/dev/null
        umoci new --image oci:test >/dev/null
        umoci insert --image oci:test "$KUBECTL" /bin/kubectl >/dev/null
        umoci config --image oci:test --os linux --architecture amd64 --config.entrypoint /bin/kubectl \
          --config.user 65532:65532 --config.env PATH=/bin
        tar -C oci -cf image.tar .
        ctr --address "$SOCKET" -n k8s.io images import --base-name "${REF%:*}" --digests image.tar >/dev/null
        """;
    RealNodeOperator.run(List.of("bash", "-c", script), Map.of("WORK", work.toString(), "KUBECTL", kubectl.toString(),
        "SOCKET", socket.toString(), "REF", HOOK_IMAGE), Duration.ofMinutes(3));
    new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
  }

  static void secret(String name, Map<String, String> data) {
    admin.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withStringData(data).build()).create();
  }

  static void migrations(String name, Map<String, String> files) {
    admin.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withData(files).build()).create();
  }

  static BackupScheduleStatus status() {
    return admin.resources(BackupSchedule.class).inNamespace(ns).withName(SCHEDULE).get().getStatus();
  }

  static Connection connect() throws Exception {
    return db.connect("postgres");
  }

  static void sql(String sql) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long count(String table) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  static boolean tableExists(String table) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
      r.next();
      return r.getBoolean(1);
    }
  }
}
