package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.HealthServer;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.backup.S3TestServer;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.backup.BackupMetrics;
import io.tradingdb.operator.backup.BackupModel;
import io.tradingdb.operator.backup.BackupScriptRunner;
import io.tradingdb.operator.kube.Durations;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.testsupport.PrometheusOperatorCrds;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.monitoring.AlertRouting;
import io.tradingdb.operator.tradingdatabase.monitoring.DashboardConfigMap;
import io.tradingdb.operator.tradingdatabase.monitoring.ExporterSidecar;
import io.tradingdb.operator.tradingdatabase.monitoring.RotatedPassword;
import io.tradingdb.operator.tradingdatabase.monitoring.MonitoringConfigMap;
import io.tradingdb.operator.tradingdatabase.pooler.LocalPostgres;
import io.tradingdb.operator.tradingdatabase.pooler.LocalProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Each alert of a production TradingDatabase, made true for real and followed to a person: the
 * operator runs in-process on the real kube-apiserver and serves its real /metrics; Debian's
 * postgres_exporter runs the operator's queries ConfigMap against the real test PostgreSQL;
 * Debian's Prometheus scrapes both (labels as the operator's PodMonitor and the chart's
 * ServiceMonitor give them) and evaluates the operator's PrometheusRule; Debian's Alertmanager
 * routes with the documented plain route to a Slack-compatible sink. Only the {@code for:}
 * durations and Alertmanager's waits are divided by {@link #TIME_SCALE}.
 *
 * <p>Pods here run no container, so the backup Jobs' pods request more CPU than any node has
 * (they stay Pending) and the test plays the kubelet: it runs the Job's real container command
 * (the backup script, against the test PostgreSQL) and reports its exit and termination message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsEndToEndIT {

  static final String CLUSTER = "prod";
  static final String SCHEDULE = "nightly";
  /** Test setting: for: durations and Alertmanager's waits are divided by this. */
  static final int TIME_SCALE = 60;
  /** Connections threshold in percent of max_connections (100 on the test server). */
  static final int CONNECTIONS_PERCENT = 20;
  /** 0.02 GiB, about 21 MB: an empty database is about 7.5 MB. */
  static final double DATABASE_SIZE_GIB = 0.02;
  /** Low enough to cross by burning transactions; every database is frozen first. */
  static final int TRANSACTION_ID_AGE = 1000;
  /** Window of the deadlock, checksum and temp-file alerts: short, so they resolve within the run. */
  static final String ERROR_WINDOW = "30s";
  /** A Job whose pod requests this cannot be scheduled on kwok's nodes (32 CPUs each). */
  static final String UNSCHEDULABLE_CPU = "64";

  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> timings = new ArrayList<>();

  static KubernetesClient admin;
  static OperatorHarness operator;
  static PrometheusMeterRegistry registry;
  static HealthServer operatorHttp;
  static PrometheusStack stack;
  static SlackSink sink;
  static String ns;
  static String database;
  static String monitorPassword;
  static Path backupRoot;
  static Instant prometheusStarted;
  /** The second instance's server: initdb --data-checksums, so a corrupted page is counted. */
  static LocalPostgres checksummed;
  /** The off-site copy's S3 server; the copy names a bucket it does not have, so every copy fails. */
  static S3TestServer offsite;

  @BeforeAll
  static void start() throws Exception {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    PrometheusOperatorCrds.install(admin);
    ns = RealCluster.createNamespace(admin, "alerts", Map.of());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator = new OperatorHarness(RealCluster.client(), registry, ns);
    operatorHttp = new HealthServer("127.0.0.1", 0, operator.operator(), registry);
    sink = new SlackSink();
    stack = new PrometheusStack();

    admin.resource(new SecretBuilder().withNewMetadata().withName("slack-webhook").withNamespace(ns).endMetadata()
        .withStringData(Map.of("url", sink.url())).build()).create();
    RealCluster.apply(admin, List.of(Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: TradingDatabase
        metadata: {name: %s, namespace: %s}
        spec:
          profile: production
          instances: 2
          databaseName: ai_trading
          storage: {data: {size: 1Gi}}
          tls: {enabled: false}
          monitoring:
            alerts: {connectionsPercent: %d, databaseSize: %sGi, lockWait: 2s, longRunningQuery: 3s,
                     idleInTransaction: 3s, transactionIdAge: %d, deadTuples: 10000,
                     deadlocks: 1, tempFileBytes: 1Mi, errorWindow: %s}
            alerting:
              slack:
                webhookUrlSecretRef: {name: slack-webhook}
                channel: "#trading-alerts"
        """.formatted(CLUSTER, ns, CONNECTIONS_PERCENT, DATABASE_SIZE_GIB, TRANSACTION_ID_AGE, ERROR_WINDOW),
        TradingDatabase.class)));
    GenericKubernetesResource rule = awaitObject("v1", "PrometheusRule", CLUSTER);
    GenericKubernetesResource podMonitor = awaitObject("v1", "PodMonitor", CLUSTER);
    awaitObject("v1alpha1", "AlertmanagerConfig", CLUSTER + "-alerts");
    Pod pod = awaitRunning(CLUSTER + "-0");
    Pod second = awaitRunning(CLUSTER + "-1");
    TradingDatabase db = admin.resources(TradingDatabase.class).inNamespace(ns).withName(CLUSTER).get();
    ClusterModel model = ClusterModel.from(db);

    // The exporter as the pod runs it: its container's arguments and login, the operator's queries
    // ConfigMap and Secret; only the address of PostgreSQL is the test server's.
    database = TestPostgres.createDatabase("alerts");
    Secret auth = await().atMost(RealCluster.timeout()).until(
        () -> admin.secrets().inNamespace(ns).withName(model.names().monitoringSecret()).get(), s -> s != null);
    monitorPassword = SecretData.decode(auth).get("password");
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      MonitoringRoleSetup.apply(c, database, monitorPassword);
      // A table, so the per-table queries (sizes, dead tuples, autovacuum) have rows as in production.
      s.execute("CREATE TABLE ticks (id bigserial PRIMARY KEY, symbol text, price numeric)");
      s.execute("INSERT INTO ticks (symbol, price) SELECT 'ES', g FROM generate_series(1, 2000) g");
      s.execute("DELETE FROM ticks WHERE id % 2 = 0");
      s.execute("SELECT count(*) FROM ticks WHERE price > 10");
    }
    freezeAllDatabases();
    ConfigMap queries = admin.configMaps().inNamespace(ns).withName(model.names().monitoringConfig()).get();
    Path queriesFile = stack.dir().resolve(MonitoringConfigMap.QUERIES_KEY);
    Files.writeString(queriesFile, queries.getData().get(MonitoringConfigMap.QUERIES_KEY));
    StatefulSet sts = admin.apps().statefulSets().inNamespace(ns).withName(CLUSTER).get();
    Container exporter = sts.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> ExporterSidecar.CONTAINER.equals(c.getName())).findFirst().orElseThrow();
    List<String> exporterCommand = RotatedPassword.exporterCommand(exporter.getCommand());
    List<String> args = exporterCommand.subList(1, exporterCommand.size()).stream()
        .filter(a -> !a.startsWith("--web.listen-address="))
        .map(a -> a.replace(ExporterSidecar.QUERIES_DIR + "/" + MonitoringConfigMap.QUERIES_KEY, queriesFile.toString()))
        .toList();
    Map<String, String> env = new LinkedHashMap<>();
    exporter.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    env.put("DATA_SOURCE_URI", TestPostgres.host() + ":" + TestPostgres.port() + "/" + database + "?sslmode=disable");
    env.put("DATA_SOURCE_PASS", monitorPassword);
    int exporterPort = stack.startExporter(args, env);

    // The second instance's exporter, same arguments, on a server with data checksums.
    checksummed = LocalPostgres.start(LocalProcesses.freePort(), List.of("--data-checksums"), Map.of());
    try (Connection c = checksummed.connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    try (Connection c = checksummed.connectAsAdmin(database)) {
      MonitoringRoleSetup.apply(c, database, monitorPassword);
    }
    Map<String, String> secondEnv = new LinkedHashMap<>(env);
    secondEnv.put("DATA_SOURCE_URI", "127.0.0.1:" + checksummed.port() + "/" + database + "?sslmode=disable");
    int secondExporterPort = stack.startExporter(args, secondEnv);

    // The backup schedule whose runs the test answers; created now so its window runs meanwhile.
    backupRoot = Files.createTempDirectory("tradingdb-alert-backups");
    offsite = new S3TestServer(Files.createDirectories(backupRoot.resolve("s3-offsite")));
    admin.resource(new SecretBuilder().withNewMetadata().withName("offsite-s3").withNamespace(ns).endMetadata()
        .withStringData(Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY))
        .build()).create();
    admin.resource(Serialization.unmarshal("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: backups}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """, io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class)).inNamespace(ns).create();
    admin.resource(Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: %s}
        spec:
          target: {tradingDatabase: {name: %s}}
          schedule: "* * * * *"
          storage: {pvc: {claimName: backups}}
          copies:
            - name: offsite
              s3: {bucket: no-such-bucket, endpoint: "%s", credentialsSecretRef: {name: offsite-s3}}
          backoffLimit: 0
          activeDeadline: 1m
          resources: {requests: {cpu: "%s", memory: 64Mi}}
        """.formatted(SCHEDULE, CLUSTER, offsite.endpoint(), UNSCHEDULABLE_CPU), BackupSchedule.class)).inNamespace(ns).create();

    // Alertmanager with the route docs/monitoring.md shows, the URL read from the Secret's file.
    Path urlFile = stack.dir().resolve("slack-url");
    Files.writeString(urlFile, SecretData.decode(admin.secrets().inNamespace(ns).withName("slack-webhook").get()).get("url"));
    Files.setPosixFilePermissions(urlFile, PosixFilePermissions.fromString("rw-------"));
    AlertRouting.Plain plain = AlertRouting.plain(model, urlFile.toString(), null);
    Map<String, Object> route = scaleRoute(plain.route());
    stack.startAlertmanager(Map.of(
        "route", Map.of("receiver", "unrouted", "routes", List.of(route)),
        "receivers", List.of(Map.of("name", "unrouted"), plain.receiver())));

    stack.startPrometheus(
        List.of(operatorScrape(), podMonitorScrape(podMonitor, pod, exporterPort),
            podMonitorScrape(podMonitor, second, secondExporterPort)),
        scaleRules(rule));
    prometheusStarted = Instant.now();
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("alert timings (cause -> webhook delivery):\n  " + String.join("\n  ", timings));
    if (admin != null && ns != null) {
      admin.resources(BackupSchedule.class).inNamespace(ns).withName(SCHEDULE).delete();
    }
    for (AutoCloseable c : new AutoCloseable[] {stack, sink, operatorHttp, offsite}) {
      if (c != null) {
        c.close();
      }
    }
    if (operator != null) {
      operator.close();
    }
    if (database != null) {
      TestPostgres.dropDatabase(database);
    }
    if (checksummed != null) {
      checksummed.close();
    }
    if (backupRoot != null) {
      LocalProcesses.deleteTree(backupRoot);
    }
    if (admin != null) {
      PrometheusOperatorCrds.delete(admin);
    }
  }

  @Test
  @Order(1)
  void rulesAndDashboardSelectOnlyMetricsAndLabelsThatRealSeriesCarry() throws Exception {
    String metrics = await("backup series on the operator's /metrics").atMost(Duration.ofSeconds(30)).until(
        () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + operatorHttp.port() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body(), b -> b.contains(BackupMetrics.SUCCESS_DEADLINE + "{"));
    // The operator's own exposition carries the labels the rules select (Micrometer sorts them).
    assertThat(metrics).contains(BackupMetrics.LAST_SUCCESS + "{backupschedule=\"" + SCHEDULE
        + "\",tradingdatabase=\"" + CLUSTER + "\",tradingdatabase_namespace=\"" + ns + "\"} 0.0");
    // Every series both targets serve has arrived, so an empty answer below means a wrong selector.
    await("both targets scraped").atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
      assertThat(stack.series(BackupMetrics.SUCCESS_DEADLINE + "{tradingdatabase=\"" + CLUSTER + "\"}")).isNotEmpty();
      assertThat(stack.series("tradingdb_table_maintenance_dead_tuples{tradingdatabase=\"" + CLUSTER + "\"}")).isNotEmpty();
    });

    GenericKubernetesResource rule = admin.genericKubernetesResources(kind("v1", "PrometheusRule"))
        .inNamespace(ns).withName(CLUSTER).get();
    Map<String, String> queries = PromQlSelectors.ruleAndDashboardQueries(
        JSON.valueToTree(rule.getAdditionalProperties().get("spec")).path("groups").path(0).path("rules"));
    assertThat(queries).hasSizeGreaterThan(25);

    Set<String> exempted = new TreeSet<>();
    Set<String> checked = new TreeSet<>();
    List<String> problems = PromQlSelectors.unmatched(stack, queries, ns, CLUSTER,
        metric -> NOT_RUN_HERE.stream().noneMatch(metric::startsWith), exempted, checked);
    assertThat(problems).isEmpty();
    assertThat(checked).anyMatch(s -> s.startsWith("rule TradingDbDeadlocks: tradingdb_database_errors_deadlocks{"))
        .anyMatch(s -> s.startsWith("rule TradingDbTempFilesLarge: tradingdb_database_errors_temp_bytes{"))
        .anyMatch(s -> s.startsWith("rule TradingDbChecksumFailures: tradingdb_database_errors_checksum_failures{"));
    assertThat(exempted).allMatch(m -> NOT_RUN_HERE.stream().anyMatch(m::startsWith));
  }

  /**
   * Series this run cannot have: pgBouncer's exporter (the pooler pods' sidecar) is not run;
   * tradingdb_replication has a row per standby, of which a single test server has none; kwok's
   * nodes have no kubelet, so no volume statistics (kubelet_) and no cAdvisor (container_):
   * DiskAndPodMetricsOnRealNodeIT checks those against the real node's kubelet. The copy gauge
   * exists only after the first successful backup (order 16), where TradingDbBackupCopyFailed firing
   * with its labels rendered checks the copy rule against the real series.
   */
  static final List<String> NOT_RUN_HERE =
      List.of("pgbouncer_", "tradingdb_replication_", "kubelet_", "container_", "tradingdb_backup_copy_");

  @Test
  @Order(3)
  void aProductionClusterWithoutAnySuccessfulBackupAlerts() {
    // True from Prometheus's first evaluation: the only schedule has never succeeded.
    SlackSink.Message m = awaitDelivered("TradingDbNoSuccessfulBackup", prometheusStarted, "FIRING",
        Duration.ofSeconds(120));
    assertThat(m.channel()).isEqualTo("#trading-alerts");
    assertThat(m.text()).contains("Production database without a successful backup",
        "has the production profile but no BackupSchedule targeting it has ever completed a backup");
    record("TradingDbNoSuccessfulBackup", "no successful backup since Prometheus started (for: 1h -> 60s)",
        prometheusStarted, m);
  }

  @Test
  @Order(4)
  void connectionsAboveTheThreshold() throws Exception {
    List<Connection> held = new ArrayList<>();
    try {
      for (int i = 0; i < 25; i++) {
        held.add(TestPostgres.connectAsAdmin(database));
      }
      Instant cause = Instant.now();
      SlackSink.Message m = awaitFiring("TradingDbConnectionsHigh", cause);
      assertThat(m.title()).contains("[FIRING:1] TradingDbConnectionsHigh on " + ns + "/" + CLUSTER);
      assertThat(m.text()).contains("Connections above " + CONNECTIONS_PERCENT + "% of max_connections",
          CLUSTER + "-0 uses", "route applications through the " + CLUSTER + "-pooler Service");
      record("TradingDbConnectionsHigh", "25 connections held open (threshold " + CONNECTIONS_PERCENT
          + "% of 100), for: 5m -> 5s", cause, m);
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    awaitResolved("TradingDbConnectionsHigh", Instant.now());
  }

  @Test
  @Order(5)
  void databaseLargerThanTheThreshold() throws Exception {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 120000) g");
      Instant cause = Instant.now();
      SlackSink.Message m = awaitFiring("TradingDbDatabaseLarge", cause);
      assertThat(m.text()).contains("Database larger than " + DATABASE_SIZE_GIB + " GiB", "(info)",
          database + " is ", "check retention and compression policies");
      record("TradingDbDatabaseLarge", "30 MB table in a database with a " + DATABASE_SIZE_GIB
          + " GiB threshold, for: 30m -> 30s", cause, m);
      s.execute("DROP TABLE filler");
    }
    awaitResolved("TradingDbDatabaseLarge", Instant.now());
  }

  @Test
  @Order(6)
  void exporterCannotConnect() throws Exception {
    try (Connection c = TestPostgres.connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + MonitoringRoleSetup.ROLE + " NOLOGIN");
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + MonitoringRoleSetup.ROLE + "'");
      Instant cause = Instant.now();
      try {
        SlackSink.Message m = awaitFiring("TradingDbExporterCannotConnect", cause);
        assertThat(m.text()).contains("The metrics exporter cannot reach PostgreSQL", CLUSTER + "-0",
            "so the other alerts are blind");
        record("TradingDbExporterCannotConnect", "exporter login refused (ALTER ROLE NOLOGIN, sessions ended), "
            + "for: 5m -> 5s", cause, m);
      } finally {
        s.execute("ALTER ROLE " + MonitoringRoleSetup.ROLE + " LOGIN");
      }
    }
    awaitResolved("TradingDbExporterCannotConnect", Instant.now());
  }

  @Test
  @Order(2)
  void aFailedBackupAlerts() throws Exception {
    // Runs first among the backup tests: a scheduled run left unanswered fails by its 60 s deadline.
    // The operator's generated superuser password, which the test server does not know, makes the
    // real script fail authenticating.
    Pod pod = awaitBackupPod(Duration.ofSeconds(30));
    Instant cause = answerAsKubelet(pod, false);
    SlackSink.Message m = awaitFiring("TradingDbBackupFailed", cause);
    assertThat(m.text()).contains("The last backup failed", "BackupSchedule " + SCHEDULE + ":",
        "kubectl describe backupschedule " + SCHEDULE);
    record("TradingDbBackupFailed", "scheduled backup Job's script failed (authentication refused)", cause, m);
  }

  @Test
  @Order(15)
  void noSuccessfulBackupWithinTwoScheduledRuns() throws Exception {
    double deadline = registry.get(BackupMetrics.SUCCESS_DEADLINE).tag("backupschedule", SCHEDULE).gauge().value();
    Instant cause = Instant.ofEpochSecond((long) deadline);
    // Two minutely runs plus the Job's 60 s deadline after the schedule's creation.
    assertThat(Duration.between(Instant.now(), cause)).isLessThan(Duration.ofMinutes(4));
    SlackSink.Message m = awaitDelivered("TradingDbBackupStale", cause, "FIRING", Duration.ofMinutes(5));
    assertThat(m.text()).contains("No successful backup within two scheduled runs",
        "BackupSchedule " + SCHEDULE + " missed two scheduled runs and its Job deadline: no backup has ever succeeded");
    record("TradingDbBackupStale", "two minutely runs plus the 60 s Job deadline passed without a success, "
        + "for: 5m -> 5s", cause, m);
  }

  @Test
  @Order(16)
  void aSuccessfulBackupResolvesTheBackupAlerts() throws Exception {
    // A fresh scheduled run: with concurrencyPolicy Forbid the next one starts only after it, and
    // needs its own 60 s to fail, so the resolution is not overtaken by a new failure.
    Pod pod = awaitBackupPod(Duration.ofSeconds(20));
    Instant cause = answerAsKubelet(pod, true);
    for (String alert : List.of("TradingDbBackupFailed", "TradingDbBackupStale", "TradingDbNoSuccessfulBackup")) {
      SlackSink.Message m = awaitDelivered(alert, cause, "RESOLVED", Duration.ofSeconds(60));
      timings.add(String.format("%-30s resolved %5.1f s after a successful backup", alert, seconds(cause, m)));
    }
    // The same backup's copy to the missing bucket failed: the copy alert, rendered from the labels
    // of the real series (schedule, cluster, namespace, copy), while the backup alerts resolved.
    SlackSink.Message copy = awaitFiring("TradingDbBackupCopyFailed", cause);
    assertThat(copy.text()).contains("The last backup was not copied off-site",
        "BackupSchedule " + SCHEDULE + ": the last successful backup was not copied to offsite",
        "kubectl describe backupschedule " + SCHEDULE);
    record("TradingDbBackupCopyFailed", "a successful backup's copy to a missing bucket (BucketNotFound)", cause, copy);
  }

  @Test
  @Order(10)
  void aSessionWaitingForALock() throws Exception {
    try (Connection holder = TestPostgres.connectAsAdmin(database); Statement h = holder.createStatement();
        Connection waiter = TestPostgres.connectAsAdmin(database)) {
      holder.setAutoCommit(false);
      h.execute("LOCK TABLE ticks IN ACCESS EXCLUSIVE MODE");
      Thread blocked = new Thread(() -> {
        try (Statement w = waiter.createStatement()) {
          w.execute("SELECT count(*) FROM ticks");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      blocked.start();
      Instant cause = Instant.now();
      SlackSink.Message m = awaitFiring("TradingDbLockWait", cause);
      assertThat(m.text()).contains("A session waits more than 2s for a lock", "pg_blocking_pids()");
      record("TradingDbLockWait", "a SELECT waiting on an ACCESS EXCLUSIVE lock held in an open transaction "
          + "(threshold 2 s), for: 1m -> 1s", cause, m);
      holder.commit();
      blocked.join(10_000);
    }
    awaitResolved("TradingDbLockWait", Instant.now());
  }

  @Test
  @Order(11)
  void aLongRunningQuery() throws Exception {
    try (Connection c = TestPostgres.connectAsAdmin(database); Connection control = TestPostgres.connectAsAdmin(database);
        Statement s = control.createStatement()) {
      Thread sleeper = new Thread(() -> {
        try (Statement q = c.createStatement()) {
          q.execute("SELECT pg_sleep(120)");
        } catch (SQLException e) {
          // Cancelled below, on purpose.
        }
      });
      sleeper.start();
      Instant cause = Instant.now();
      SlackSink.Message m = awaitFiring("TradingDbLongRunningQuery", cause);
      assertThat(m.text()).contains("A query runs longer than 3s", "a query has been running for");
      record("TradingDbLongRunningQuery", "SELECT pg_sleep(120) (threshold 3 s), for: 1m -> 1s", cause, m);
      s.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)'");
      sleeper.join(10_000);
    }
    awaitResolved("TradingDbLongRunningQuery", Instant.now());
  }

  @Test
  @Order(12)
  void aTransactionLeftIdle() throws Exception {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SELECT count(*) FROM ticks");
      Instant cause = Instant.now();
      SlackSink.Message m = awaitFiring("TradingDbIdleInTransaction", cause);
      assertThat(m.text()).contains("A transaction is left idle longer than 3s", "keeps VACUUM from removing dead rows");
      record("TradingDbIdleInTransaction", "BEGIN; SELECT; then nothing (threshold 3 s), for: 1m -> 1s", cause, m);
      c.commit();
    }
    awaitResolved("TradingDbIdleInTransaction", Instant.now());
  }

  @Test
  @Order(13)
  void transactionIdAgeTowardsWraparound() throws Exception {
    freezeAllDatabases();
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      // Each autocommitted txid_current() consumes one transaction ID, as a busy database does.
      for (int i = 0; i < TRANSACTION_ID_AGE + 500; i++) {
        s.execute("SELECT txid_current()");
      }
    }
    Instant cause = Instant.now();
    SlackSink.Message m = awaitFiring("TradingDbTransactionIdWraparound", cause);
    assertThat(m.text()).contains("Transaction ID age above " + TRANSACTION_ID_AGE, database + " is ",
        "PostgreSQL stops writes near 2.1 billion");
    record("TradingDbTransactionIdWraparound", (TRANSACTION_ID_AGE + 500) + " transaction IDs consumed after "
        + "VACUUM FREEZE (threshold " + TRANSACTION_ID_AGE + "), for: 10m -> 10s", cause, m);
    freezeAllDatabases();
    awaitResolved("TradingDbTransactionIdWraparound", Instant.now());
  }

  @Test
  @Order(14)
  void autovacuumTurnedOffAndDeadRowsLeftBehind() throws Exception {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE churn (id int, pad text) WITH (autovacuum_enabled = false)");
      Instant cause = Instant.now();
      SlackSink.Message m = awaitFiring("TradingDbAutovacuumDisabledTables", cause);
      assertThat(m.text()).contains("Autovacuum is disabled on some tables", "1 tables have autovacuum_enabled = false");
      record("TradingDbAutovacuumDisabledTables", "CREATE TABLE ... WITH (autovacuum_enabled = false), "
          + "for: 10m -> 10s", cause, m);

      s.execute("INSERT INTO churn SELECT g, 'x' FROM generate_series(1, 30000) g");
      s.execute("DELETE FROM churn WHERE id <= 20000");
      cause = Instant.now();
      m = awaitFiring("TradingDbDeadTuplesNotVacuumed", cause);
      assertThat(m.text()).contains("More than 10000 dead rows and no autovacuum for a day", "public.churn has 20k dead rows");
      record("TradingDbDeadTuplesNotVacuumed", "20,000 rows deleted from a table autovacuum skips "
          + "(threshold 10,000), for: 30m -> 30s", cause, m);
      s.execute("VACUUM churn");
      awaitResolved("TradingDbDeadTuplesNotVacuumed", Instant.now());
      s.execute("DROP TABLE churn");
      awaitResolved("TradingDbAutovacuumDisabledTables", Instant.now());
    }
    try (Connection c = TestPostgres.connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET autovacuum = off");
      s.execute("SELECT pg_reload_conf()");
      Instant cause = Instant.now();
      try {
        SlackSink.Message m = awaitFiring("TradingDbAutovacuumOff", cause);
        assertThat(m.text()).contains("Autovacuum is turned off", "autovacuum or track_counts is off");
        record("TradingDbAutovacuumOff", "ALTER SYSTEM SET autovacuum = off and a reload, for: 10m -> 10s", cause, m);
      } finally {
        s.execute("ALTER SYSTEM RESET autovacuum");
        s.execute("SELECT pg_reload_conf()");
      }
    }
    awaitResolved("TradingDbAutovacuumOff", Instant.now());
  }

  @Test
  @Order(7)
  void aCorruptedPageCountsAsAChecksumFailure() throws Exception {
    String[] file = new String[1];
    try (Connection c = checksummed.connectAsAdmin(database); Statement s = c.createStatement()) {
      try (var rs = s.executeQuery("SHOW data_checksums")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("on");
      }
      // Autovacuum off for it: its reads of the corrupted page would count failures of their own.
      s.execute("CREATE TABLE prices WITH (autovacuum_enabled = false) AS "
          + "SELECT g AS id, 'ES' AS symbol FROM generate_series(1, 1000) g");
      s.execute("SELECT count(*) FROM prices");
      s.execute("CHECKPOINT");
      try (var rs = s.executeQuery("SELECT pg_relation_filepath('prices')")) {
        rs.next();
        file[0] = rs.getString(1);
      }
    }
    // Flip bytes in the middle of the table's first page while the server is down, as failing storage would.
    checksummed.restart(() -> {
      try (var page = new java.io.RandomAccessFile(checksummed.dataDirectory().resolve(file[0]).toFile(), "rw")) {
        page.seek(4096);
        byte[] bytes = new byte[16];
        page.readFully(bytes);
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) ~bytes[i];
        }
        page.seek(4096);
        page.write(bytes);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Instant cause;
    try (Connection c = checksummed.connectAsAdmin(database); Statement s = c.createStatement()) {
      cause = Instant.now();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM prices"))
          .isInstanceOf(SQLException.class).hasMessageContaining("invalid page in block 0");
    }
    SlackSink.Message m = awaitFiring("TradingDbChecksumFailures", cause);
    assertThat(m.text()).contains("Data page checksum failures", "(critical)", database + ": PostgreSQL read pages "
        + "whose checksum does not match");
    record("TradingDbChecksumFailures", "16 bytes flipped in a heap page on disk (initdb --data-checksums), "
        + "then SELECT; no for:, window " + ERROR_WINDOW, cause, m);
    try (Connection c = checksummed.connectAsAdmin(database); Statement s = c.createStatement()) {
      // Dropping reads no page; nothing counts failures any more, and the window runs out.
      s.execute("DROP TABLE prices");
    }
    awaitResolved("TradingDbChecksumFailures", Instant.now());
  }

  @Test
  @Order(8)
  void twoSessionsDeadlock() throws Exception {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int)");
      s.execute("INSERT INTO accounts VALUES (1, 100), (2, 100)");
    }
    Instant cause;
    List<String> aborted = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Connection a = TestPostgres.connectAsAdmin(database); Connection b = TestPostgres.connectAsAdmin(database)) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      a.createStatement().execute("UPDATE accounts SET balance = balance - 1 WHERE id = 1");
      b.createStatement().execute("UPDATE accounts SET balance = balance - 1 WHERE id = 2");
      Thread first = new Thread(() -> {
        try (Statement w = a.createStatement()) {
          w.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 2");
        } catch (SQLException e) {
          aborted.add(e.getSQLState());
        }
      });
      first.start();
      try (Statement w = b.createStatement()) {
        // Whichever update comes second closes the cycle; PostgreSQL aborts one of the two.
        Thread.sleep(300);
        w.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1");
      } catch (SQLException e) {
        aborted.add(e.getSQLState());
      }
      first.join(10_000);
      cause = Instant.now();
      a.rollback();
      b.rollback();
    }
    // PostgreSQL broke the cycle by aborting exactly one of the two.
    assertThat(aborted).containsExactly("40P01");
    SlackSink.Message m = awaitFiring("TradingDbDeadlocks", cause);
    assertThat(m.text()).contains("1 or more deadlocks within " + ERROR_WINDOW, database + ": ",
        "deadlocks in the last " + ERROR_WINDOW, "each aborted a transaction");
    record("TradingDbDeadlocks", "two sessions updating two rows in opposite order (threshold 1 in "
        + ERROR_WINDOW + "), no for:", cause, m);
    awaitResolved("TradingDbDeadlocks", Instant.now());
  }

  @Test
  @Order(9)
  void aSortLargerThanWorkMemWritesTemporaryFiles() throws Exception {
    Instant cause;
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("SET work_mem = '64kB'");
      // A full sort (no LIMIT, which would sort in bounded memory) of about 10 MB.
      s.execute("SELECT count(*) FROM (SELECT md5(g::text) AS h FROM generate_series(1, 200000) g ORDER BY h OFFSET 1) sorted");
      cause = Instant.now();
    }
    SlackSink.Message m = awaitFiring("TradingDbTempFilesLarge", cause);
    assertThat(m.text()).contains("More than 1Mi written to temporary files within " + ERROR_WINDOW,
        database + ": queries wrote ", "because their sorts and hashes exceeded work_mem");
    record("TradingDbTempFilesLarge", "ORDER BY over 200,000 rows with work_mem 64kB (threshold 1Mi in "
        + ERROR_WINDOW + "), no for:", cause, m);
    awaitResolved("TradingDbTempFilesLarge", Instant.now());
  }

  @Test
  @Order(20)
  void theWebhookUrlStaysInItsSecret() {
    GenericKubernetesResource config = admin.genericKubernetesResources(kind("v1alpha1", "AlertmanagerConfig"))
        .inNamespace(ns).withName(CLUSTER + "-alerts").get();
    TradingDatabase db = admin.resources(TradingDatabase.class).inNamespace(ns).withName(CLUSTER).get();
    assertThat(db.getStatus().getAlerting()).isEqualTo("AlertmanagerConfig " + CLUSTER + "-alerts routes this "
        + "cluster's alerts to Slack channel #trading-alerts (URL from Secret slack-webhook)");
    List<String> places = new ArrayList<>(List.of(Serialization.asYaml(config), Serialization.asYaml(db)));
    admin.v1().events().inNamespace(ns).list().getItems().forEach(e -> places.add(e.getMessage()));
    assertThat(places).hasSizeGreaterThan(2).noneMatch(text -> text.contains(sink.url()));
    // Every delivery went to the secret path; nothing was refused.
    assertThat(sink.rejected()).isEmpty();
  }

  /** VACUUM FREEZE in every database that takes connections, so transaction ID ages start near 0. */
  private static void freezeAllDatabases() throws SQLException {
    if (checksummed != null) {
      for (String name : List.of("postgres", "template1", database)) {
        try (Connection c = checksummed.connectAsAdmin(name); Statement s = c.createStatement()) {
          s.execute("VACUUM FREEZE");
        }
      }
    }
    List<String> names = new ArrayList<>();
    try (Connection c = TestPostgres.connectAsAdmin("postgres"); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    for (String name : names) {
      try (Connection c = TestPostgres.connectAsAdmin(name); Statement s = c.createStatement()) {
        s.execute("VACUUM FREEZE");
      } catch (SQLException e) {
        // Another test's database dropped meanwhile: nothing left to freeze there.
        if (!"3D000".equals(e.getSQLState())) {
          throw e;
        }
      }
    }
  }

  // --- the kubelet's part for backup Jobs ---

  /** A pending pod of a scheduled backup run, created less than {@code maxAge} ago. */
  private static Pod awaitBackupPod(Duration maxAge) {
    return await("a fresh pending backup pod").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(
        () -> admin.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name").list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith(SCHEDULE + "-"))
            .filter(p -> p.getStatus() != null && "Pending".equals(p.getStatus().getPhase()))
            .filter(p -> Instant.parse(p.getMetadata().getCreationTimestamp()).isAfter(Instant.now().minus(maxAge)))
            .findFirst().orElse(null),
        p -> p != null);
  }

  /**
   * Runs the pod's backup container with the real script against the test PostgreSQL and reports
   * the exit as the kubelet would. {@code testServerCredentials}: the test server's login instead
   * of the cluster's generated superuser Secret (which the test server does not know).
   */
  private static Instant answerAsKubelet(Pod pod, boolean testServerCredentials) throws Exception {
    String jobName = pod.getMetadata().getLabels().get("batch.kubernetes.io/job-name");
    Job job = admin.batch().v1().jobs().inNamespace(ns).withName(jobName).get();
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    TradingDatabase cluster = admin.resources(TradingDatabase.class).inNamespace(ns).withName(CLUSTER).get();
    BackupSchedule schedule = admin.resources(BackupSchedule.class).inNamespace(ns).withName(SCHEDULE).get();
    BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), cluster), cluster);
    Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
    for (Secret secret : admin.secrets().inNamespace(ns).list().getItems()) {
      secrets.put(secret.getMetadata().getName(), SecretData.decode(secret));
    }
    String credentials = model.target().credentialsSecret();
    if (testServerCredentials) {
      secrets.put(credentials, Map.of(model.target().usernameKey(), TestPostgres.adminUser(),
          model.target().passwordKey(), TestPostgres.adminPassword()));
    }
    BackupScriptRunner runner = new BackupScriptRunner(backupRoot, secrets);
    BackupScriptRunner.Run run = runner.run(container, model, Map.of(
        "PGHOST", TestPostgres.host(), "PGPORT", Integer.toString(TestPostgres.port()),
        "PGDATABASE", database, "PGSSLMODE", "disable"));
    assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isEqualTo(testServerCredentials);
    assertThat(run.terminationMessage()).isNotBlank();
    String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    Pod fresh = admin.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
    fresh.getStatus().setPhase(run.exitCode() == 0 ? "Succeeded" : "Failed");
    fresh.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
        .withName(container.getName()).withImage(container.getImage()).withImageID("")
        .withReady(false).withRestartCount(0).withStarted(false)
        .withNewState().withNewTerminated().withExitCode(run.exitCode())
        .withReason(run.exitCode() == 0 ? "Completed" : "Error").withMessage(run.terminationMessage())
        .withStartedAt(now).withFinishedAt(now).endTerminated().endState().build()));
    admin.pods().inNamespace(ns).resource(fresh).updateStatus();
    return Instant.now();
  }

  // --- alert helpers ---

  private static SlackSink.Message awaitFiring(String alert, Instant cause) throws Exception {
    SlackSink.Message m = awaitDelivered(alert, cause, "FIRING", Duration.ofSeconds(90));
    assertThat(stack.alertState(alert)).as("%s in Prometheus", alert).isEqualTo("firing");
    return m;
  }

  private static void awaitResolved(String alert, Instant since) {
    SlackSink.Message m = awaitDelivered(alert, since, "RESOLVED", Duration.ofSeconds(60));
    timings.add(String.format("%-30s resolved %5.1f s after the cause was removed", alert, seconds(since, m)));
  }

  private static SlackSink.Message awaitDelivered(String alert, Instant since, String status, Duration timeout) {
    return sink.await(alert + " " + status + " in Slack", since,
        m -> m.title().startsWith("[" + status) && m.title().contains("] " + alert + " on " + ns + "/" + CLUSTER),
        timeout);
  }

  private static void record(String alert, String how, Instant cause, SlackSink.Message m) {
    timings.add(String.format("%-30s fired, delivered %5.1f s after the cause: %s", alert, seconds(cause, m), how));
  }

  private static double seconds(Instant from, SlackSink.Message m) {
    return Duration.between(from, m.receivedAt()).toMillis() / 1000.0;
  }

  // --- configuration for the real programs ---

  /** The chart's ServiceMonitor as Prometheus sees it: target labels win over the operator's own. */
  private static Map<String, Object> operatorScrape() {
    return Map.of("job_name", "tradingdb-operator", "honor_labels", false, "metrics_path", "/metrics",
        "static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + operatorHttp.port()),
            "labels", Map.of("namespace", "tradingdb-system", "pod", "tradingdb-operator-5d8c7b9f4-x2x9q",
                "service", "tradingdb-operator", "endpoint", "http"))));
  }

  /**
   * The operator's PodMonitor applied to the real pod as the Prometheus Operator would: its
   * namespace, pod and container labels, then each relabeling from the pod's own labels. Only the
   * address is the local exporter's (pod IPs here are never reachable).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> podMonitorScrape(GenericKubernetesResource podMonitor, Pod pod, int port) {
    Map<String, Object> spec = (Map<String, Object>) podMonitor.getAdditionalProperties().get("spec");
    Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("podMetricsEndpoints")).get(0);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("namespace", pod.getMetadata().getNamespace());
    labels.put("pod", pod.getMetadata().getName());
    labels.put("container", ExporterSidecar.CONTAINER);
    labels.put("endpoint", (String) endpoint.get("port"));
    for (Map<String, Object> relabel : (List<Map<String, Object>>) endpoint.get("relabelings")) {
      String source = ((List<String>) relabel.get("sourceLabels")).get(0);
      pod.getMetadata().getLabels().forEach((k, v) -> {
        if (("__meta_kubernetes_pod_label_" + k.replaceAll("[^A-Za-z0-9_]", "_")).equals(source)) {
          labels.put((String) relabel.get("targetLabel"), v);
        }
      });
    }
    assertThat(labels).containsEntry("tradingdatabase", CLUSTER).containsEntry("component", "postgresql");
    return Map.of("job_name", "podMonitor/" + ns + "/" + podMonitor.getMetadata().getName() + "/0/" + pod.getMetadata().getName(),
        "metrics_path", endpoint.get("path"),
        "static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + port), "labels", labels)));
  }

  /** The PrometheusRule's groups as a rules file, every for: divided by {@link #TIME_SCALE}. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> scaleRules(GenericKubernetesResource rule) {
    Map<String, Object> spec = JSON.convertValue(rule.getAdditionalProperties().get("spec"), Map.class);
    return scaleFor((List<Map<String, Object>>) spec.get("groups"));
  }

  /** Rule groups with every for: divided by {@link #TIME_SCALE}. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> scaleFor(List<Map<String, Object>> groups) {
    for (Map<String, Object> group : groups) {
      for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
        if (r.containsKey("for")) {
          r.put("for", scaled((String) r.get("for")));
        }
      }
    }
    return groups;
  }

  static Map<String, Object> scaleRoute(Map<String, Object> route) {
    Map<String, Object> scaled = new LinkedHashMap<>(route);
    for (String key : List.of("group_wait", "group_interval", "repeat_interval")) {
      scaled.put(key, scaled((String) route.get(key)));
    }
    return scaled;
  }

  private static String scaled(String duration) {
    return Math.max(1, Durations.parse(duration).toSeconds() / TIME_SCALE) + "s";
  }

  private static Pod awaitRunning(String name) {
    return await(name + " Running").atMost(RealCluster.timeout()).until(
        () -> admin.pods().inNamespace(ns).withName(name).get(),
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
  }

  private static ResourceDefinitionContext kind(String version, String kind) {
    return new ResourceDefinitionContext.Builder().withGroup("monitoring.coreos.com").withVersion(version)
        .withKind(kind).withPlural(kind.toLowerCase() + "s").withNamespaced(true).build();
  }

  private static GenericKubernetesResource awaitObject(String version, String kind, String name) {
    return await(kind + " " + name).atMost(RealCluster.timeout()).until(
        () -> admin.genericKubernetesResources(kind(version, kind)).inNamespace(ns).withName(name).get(),
        o -> o != null);
  }
}
