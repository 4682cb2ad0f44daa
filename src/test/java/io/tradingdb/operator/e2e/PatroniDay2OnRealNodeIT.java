package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.WriteLoad;
import io.tradingdb.operator.tradingdatabase.PatroniOperations;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.patroni.Member;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15 parts 1 and 2 on the real node: a 3-instance cluster (synchronous mode, as the
 * production sample) under an operator running in this JVM, which reaches Patroni's REST API on the
 * pods' IPs (this machine routes 198.18.0.0/16 onto the node's bridge). A writer inserts one row per
 * transaction through the pooler (pgBouncer, transaction mode, one pod) all along, as an application
 * meets the cluster, and each part prints the longest write gap and the failed transactions. The order of restarts is read from each member's postmaster_start_time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniDay2OnRealNodeIT {

  static final String NAME = "trading-prod";
  static final String OVERLAY = """
      {"spec": {
        "storage": {"data": {"size": "1Gi"}, "wal": {"size": "1Gi", "storageClassName": "standard-wffc"}},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        "postgresql": {"parameters": {"max_connections": "100", "shared_buffers": "128MB",
          "effective_cache_size": "512MB", "work_mem": "4MB", "maintenance_work_mem": "64MB"}},
        "timescaledb": {"maxBackgroundWorkers": 4},
        "pooler": {"enabled": true, "instances": 1, "image": "localhost/tradingdb/pgbouncer:1.24", "maxClientConn": 100},
        "monitoring": {"enabled": false, "vacuumAnalyzeSchedule": null},
        "pgBackRest": null
      }}""";

  static KubernetesClient client;
  static Operator operator;
  static String ns;
  static WriteLoad writer;

  @BeforeAll
  static void start() throws Exception {
    client = RealCluster.client();
    RealCluster.installCrds(client);
    ns = RealCluster.createNamespace(client, "day2", RealNodeOperator.RESTRICTED);
    operator = RealNodePatroni.startOperator(client, ns, NAME);
  }

  @AfterAll
  static void stop() throws Exception {
    if (writer != null) {
      writer.stop();
    }
    if (client != null && ns != null) {
      // The next ITs get the node's two cores back; the operator still runs to clear finalizers.
      RealNodeOperator.deleteNamespace(client, ns);
    }
    if (operator != null) {
      io.tradingdb.operator.testsupport.InTestJvm.stop(operator);
    }
  }

  @Test
  @Order(1)
  void theClusterStartsWithItsParametersApplied() throws Exception {
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-production.yaml", ns, OVERLAY);
    db.getSpec().getStorage().getData().setStorageClassName("standard-wffc");
    client.resource(db).create();
    long t0 = System.nanoTime();
    await().ignoreExceptions().atMost(Duration.ofMinutes(12)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
      TradingDatabaseStatus s = status();
      assertThat(s.getPhase()).isEqualTo("Ready");
      assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getStatus()).isEqualTo("True");
      assertThat(members()).hasSize(3).allMatch(Member::running);
      assertThat(client.apps().deployments().inNamespace(ns).withName(NAME + "-pooler").get().getStatus()
          .getReadyReplicas()).isEqualTo(1);
    });
    System.out.printf("day2: 3 instances Ready with ParametersApplied after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    psql("CREATE TABLE day2_log (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
    // The application's role: the pooler refuses the superuser (its auth_query serves ordinary roles only).
    psql("CREATE ROLE day2_app LOGIN PASSWORD " + io.tradingdb.operator.postgres.SqlQuote.literal(APP_PASSWORD));
    psql("GRANT INSERT, SELECT ON day2_log TO day2_app");
    writer = poolerWriter();
    writer.awaitWrites(50);
  }

  @Test
  @Order(2)
  void aReloadParameterIsAppliedWithoutARestart() throws Exception {
    Map<String, Instant> startedBefore = startTimes();
    String primary = status().getCurrentPrimary();
    long from = writer.mark();
    setParameter("work_mem", "8MB");
    await().ignoreExceptions().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      for (Member m : members()) {
        assertThat(show(m.host(), "work_mem")).as(m.name()).isEqualTo("8MB");
      }
      assertThat(condition(status(), ClusterStatus.PARAMETERS_APPLIED).getStatus()).isEqualTo("True");
    });
    writer.awaitWritesAfter(System.nanoTime(), 20);
    WriteLoad.Window w = writer.window(from);
    System.out.printf("day2 parameter reload (work_mem 4MB -> 8MB): longest write gap %.3f s, failed transactions %d,"
        + " failed connects %d, %d writes%n", w.longestGapSeconds(), w.failedTransactions(), w.failedConnects(), w.writes());
    assertThat(startTimes()).as("no PostgreSQL restarted").isEqualTo(startedBefore);
    assertThat(status().getCurrentPrimary()).isEqualTo(primary);
    assertThat(w.failedTransactions()).isZero();
  }

  @Test
  @Order(3)
  void aRestartParameterRestartsReplicasFirstThenSwitchesOver() throws Exception {
    String primary = status().getCurrentPrimary();
    Map<String, Instant> before = startTimes();
    long from = writer.mark();
    setParameter("shared_buffers", "160MB");
    List<String> pendingSeen = new ArrayList<>();
    await().ignoreExceptions().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      TradingDatabaseStatus s = status();
      if (s.getPendingRestart() != null) {
        s.getPendingRestart().forEach(p -> {
          if (!pendingSeen.contains(p.getPod())) {
            pendingSeen.add(p.getPod());
          }
        });
      }
      List<Member> members = members();
      assertThat(members).hasSize(3).allMatch(Member::running).noneMatch(Member::pendingRestart);
      for (Member m : members) {
        assertThat(show(m.host(), "shared_buffers")).as(m.name()).isEqualTo("160MB");
      }
      assertThat(s.getPendingRestart()).isNull();
      assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getStatus()).isEqualTo("True");
    });
    writer.awaitWritesAfter(System.nanoTime(), 20);
    WriteLoad.Window w = writer.window(from);
    Map<String, Instant> after = startTimes();
    System.out.printf("day2 restart parameter (shared_buffers 128MB -> 160MB): pending seen %s; primary %s -> %s;"
        + " restarts in order %s; longest write gap %.3f s, failed transactions %d, failed connects %d%n",
        pendingSeen, primary, status().getCurrentPrimary(), order(after), w.longestGapSeconds(),
        w.failedTransactions(), w.failedConnects());
    assertThat(pendingSeen).as("status.pendingRestart named the instances").isNotEmpty();
    for (String pod : after.keySet()) {
      assertThat(after.get(pod)).as(pod + " restarted").isAfter(before.get(pod));
      if (!pod.equals(primary)) {
        assertThat(after.get(pod)).as(pod + " (a replica) restarted before the old primary " + primary)
            .isBefore(after.get(primary));
      }
    }
    assertThat(status().getCurrentPrimary()).as("switched over before the old primary restarted").isNotEqualTo(primary);
  }

  @Test
  @Order(4)
  void valuesPostgresqlRefusesMakeItDegradedAndChangeNothing() throws Exception {
    Map<String, Instant> before = startTimes();
    setParameter("shared_buffers", "banana");
    await().ignoreExceptions().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
      TradingDatabaseStatus s = status();
      assertThat(s.getPhase()).isEqualTo("Degraded");
      assertThat(condition(s, Conditions.DEGRADED).getReason()).isEqualTo("ParameterRejected");
      assertThat(condition(s, Conditions.DEGRADED).getMessage())
          .contains("invalid value for parameter \"shared_buffers\": \"banana\"");
    });
    System.out.println("day2 shared_buffers: banana -> " + condition(status(), Conditions.DEGRADED).getMessage());
    setParameter("shared_buffers", "160MB");
    setParameter("superuser_reserved_connections", "5");
    setParameter("max_connections", "5");
    await().ignoreExceptions().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(condition(status(), Conditions.DEGRADED).getMessage())
        .contains("superuser_reserved_connections (5) plus reserved_connections (0) must be less than max_connections (5)"));
    System.out.println("day2 max_connections: 5 -> " + condition(status(), Conditions.DEGRADED).getMessage());
    for (Member m : members()) {
      assertThat(show(m.host(), "shared_buffers")).isEqualTo("160MB");
      assertThat(show(m.host(), "max_connections")).isEqualTo("100");
    }
    Map<String, Object> dcs = dcsParameters();
    assertThat(String.valueOf(dcs.get("shared_buffers"))).isEqualTo("160MB");
    assertThat(String.valueOf(dcs.get("max_connections"))).isEqualTo("100");
    assertThat(dcs).doesNotContainKey("superuser_reserved_connections");
    assertThat(startTimes()).isEqualTo(before);
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get();
    db.getSpec().getPostgresql().getParameters().remove("superuser_reserved_connections");
    db.getSpec().getPostgresql().getParameters().put("max_connections", "100");
    client.resource(db).update();
    await().ignoreExceptions().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(status().getPhase()).isEqualTo("Ready"));
  }

  @Test
  @Order(5)
  void switchoverAnnotationActsOncePerValue() throws Exception {
    String primary = status().getCurrentPrimary();
    Member target = members().stream().filter(m -> !m.leader() && "sync_standby".equals(m.role())).findFirst()
        .orElseGet(() -> members().stream().filter(m -> !m.leader()).findFirst().orElseThrow());
    long from = writer.mark();
    annotate(PatroniOperations.SWITCHOVER_ANNOTATION, target.name());
    await().ignoreExceptions().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      TradingDatabaseStatus s = status();
      assertThat(s.getSwitchover()).isNotNull();
      assertThat(s.getSwitchover().getResult()).as(s.getSwitchover().getMessage()).isEqualTo("Succeeded");
      assertThat(s.getCurrentPrimary()).isEqualTo(target.name());
    });
    writer.awaitWritesAfter(System.nanoTime(), 20);
    WriteLoad.Window w = writer.window(from);
    System.out.printf("day2 switchover %s -> %s by annotation: %s; longest write gap %.3f s, failed transactions %d,"
        + " failed connects %d%n", primary, target.name(), status().getSwitchover().getMessage(), w.longestGapSeconds(),
        w.failedTransactions(), w.failedConnects());
    // Acting once: reconciles run while the annotation is still set (a reload-only change right after
    // the switchover, proved on every member and in observedGeneration), and none switches over again.
    // The change also reaches the member just demoted, which was starting when Patroni saw it.
    String time = status().getSwitchover().getTime();
    setParameter("work_mem", "12MB");
    long generation = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get().getMetadata().getGeneration();
    long t0 = System.nanoTime();
    await().ignoreExceptions().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      for (Member m : members()) {
        assertThat(show(m.host(), "work_mem")).as(m.name()).isEqualTo("12MB");
      }
      TradingDatabaseStatus s = status();
      assertThat(s.getObservedGeneration()).isEqualTo(generation);
      assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getStatus()).isEqualTo("True");
    });
    System.out.printf("day2 work_mem 8MB -> 12MB right after the switchover: on every member after %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
    assertThat(status().getSwitchover().getTime()).isEqualTo(time);
    assertThat(status().getCurrentPrimary()).isEqualTo(target.name());
  }

  @Test
  @Order(6)
  void restartAnnotationRollsEveryInstanceReplicasFirst() throws Exception {
    String primary = status().getCurrentPrimary();
    Map<String, Instant> before = startTimes();
    long from = writer.mark();
    annotate(PatroniOperations.RESTART_ANNOTATION, "r1");
    await().ignoreExceptions().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      TradingDatabaseStatus s = status();
      assertThat(s.getRestart()).isNotNull();
      assertThat(s.getRestart().getToken()).isEqualTo("r1");
      assertThat(s.getRestart().getResult()).as(s.getRestart().getMessage()).isEqualTo("Succeeded");
    });
    writer.awaitWritesAfter(System.nanoTime(), 20);
    WriteLoad.Window w = writer.window(from);
    Map<String, Instant> after = startTimes();
    System.out.printf("day2 rolling restart by annotation: primary %s -> %s; restarts in order %s; %s;"
        + " longest write gap %.3f s, failed transactions %d, failed connects %d%n", primary, status().getCurrentPrimary(),
        order(after), status().getRestart().getMessage(), w.longestGapSeconds(), w.failedTransactions(), w.failedConnects());
    for (String pod : after.keySet()) {
      assertThat(after.get(pod)).as(pod + " restarted").isAfter(before.get(pod));
      if (!pod.equals(primary)) {
        assertThat(after.get(pod)).as(pod + " before the old primary").isBefore(after.get(primary));
      }
    }
    writer.stop();
    Set<Long> stored = new java.util.TreeSet<>();
    try (Connection c = connect(primaryIp()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM day2_log")) {
      while (rs.next()) {
        stored.add(rs.getLong(1));
      }
    }
    assertThat(stored).as("every acknowledged row is stored").containsAll(writer.acknowledged());
  }

  @Test
  @Order(7)
  void aNewPodTemplateRollsReplicasFirstThenSwitchesOver() throws Exception {
    writer = poolerWriter();
    writer.awaitWrites(20);
    String primary = status().getCurrentPrimary();
    Map<String, String> uids = new LinkedHashMap<>();
    client.pods().inNamespace(ns).withLabel("tradingdb.io/cluster", NAME).list().getItems()
        .forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    assertThat(client.apps().statefulSets().inNamespace(ns).withName(NAME).get().getSpec().getUpdateStrategy().getType())
        .isEqualTo("OnDelete");
    long from = writer.mark();
    client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).edit(d -> {
      d.getSpec().getResources().getRequests().put("cpu", new io.fabric8.kubernetes.api.model.Quantity("110m"));
      return d;
    });
    await().ignoreExceptions().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      List<Pod> pods = client.pods().inNamespace(ns).withLabel("tradingdb.io/cluster", NAME).list().getItems();
      assertThat(pods).hasSize(3).allSatisfy(p -> {
        assertThat(p.getMetadata().getUid()).isNotEqualTo(uids.get(p.getMetadata().getName()));
        assertThat(p.getSpec().getContainers().get(0).getResources().getRequests().get("cpu")).hasToString("110m");
      });
      assertThat(status().getPhase()).isEqualTo("Ready");
      assertThat(members()).hasSize(3).allMatch(Member::running);
      assertThat(client.apps().deployments().inNamespace(ns).withName(NAME + "-pooler").get().getStatus()
          .getReadyReplicas()).isEqualTo(1);
    });
    writer.awaitWritesAfter(System.nanoTime(), 20);
    WriteLoad.Window w = writer.window(from);
    Map<String, Instant> created = new LinkedHashMap<>();
    client.pods().inNamespace(ns).withLabel("tradingdb.io/cluster", NAME).list().getItems()
        .forEach(p -> created.put(p.getMetadata().getName(), Instant.parse(p.getMetadata().getCreationTimestamp())));
    System.out.printf("day2 rolling update (cpu request 100m -> 110m): primary %s -> %s; pods replaced in order %s;"
        + " longest write gap %.3f s, failed transactions %d, failed connects %d%n", primary, status().getCurrentPrimary(),
        order(created), w.longestGapSeconds(), w.failedTransactions(), w.failedConnects());
    for (String pod : created.keySet()) {
      if (!pod.equals(primary)) {
        assertThat(created.get(pod)).as(pod + " replaced before the old primary " + primary).isBefore(created.get(primary));
      }
    }
    assertThat(status().getCurrentPrimary()).isNotEqualTo(primary);
    writer.stop();
  }

  // ---- helpers

  static TradingDatabaseStatus status() {
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get();
    return db == null || db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
  }

  static Condition condition(TradingDatabaseStatus s, String type) {
    return Conditions.find(s.getConditions(), type).orElse(new Condition());
  }

  static void setParameter(String name, String value) {
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get();
    db.getSpec().getPostgresql().getParameters().put(name, value);
    client.resource(db).update();
  }

  static void annotate(String key, String value) {
    client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME)
        .edit(d -> {
          if (d.getMetadata().getAnnotations() == null) {
            d.getMetadata().setAnnotations(new java.util.HashMap<>());
          }
          d.getMetadata().getAnnotations().put(key, value);
          return d;
        });
  }

  static PatroniClient patroni() {
    return RealNodePatroni.client(client, ns, NAME);
  }

  static String primaryIp() {
    Pod pod = client.pods().inNamespace(ns).withName(status().getCurrentPrimary()).get();
    return pod.getStatus().getPodIP();
  }

  static List<Member> members() {
    return patroni().cluster(RealNodePatroni.base(primaryIp()));
  }

  /** Each member's postmaster start, by pod. */
  static Map<String, Instant> startTimes() {
    Map<String, Instant> times = new LinkedHashMap<>();
    for (Member m : members()) {
      times.put(m.name(), java.time.OffsetDateTime.parse(
          patroni().member(m.apiBase()).get("postmaster_start_time").toString().strip().replace(' ', 'T')).toInstant());
    }
    return times;
  }

  static List<String> order(Map<String, Instant> times) {
    return times.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
  }

  static Properties login() {
    var secret = client.secrets().inNamespace(ns).withName(NAME + "-superuser").get();
    Properties props = new Properties();
    props.setProperty("user", RealNodeOperator.decodeString(secret, "username"));
    props.setProperty("password", RealNodeOperator.decodeString(secret, "password"));
    return props;
  }

  static Connection connect(String host) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + ClusterNames.POSTGRES_PORT
        + "/ai_trading?sslmode=require&connectTimeout=5&socketTimeout=10", login());
  }

  static String show(String host, String parameter) throws Exception {
    try (Connection c = connect(host); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + parameter)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void psql(String sql) throws Exception {
    try (Connection c = connect(primaryIp()); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The DCS parameters as Patroni's GET /config returns them. */
  static Map<String, Object> dcsParameters() {
    return io.tradingdb.operator.tradingdatabase.patroni.ParameterPlan.parametersOf(
        patroni().config(RealNodePatroni.base(primaryIp())));
  }

  static String rwIp() {
    return RealNodePatroni.rwIp(client, ns, NAME);
  }

  /** A password made for this run: none is written into the repository. */
  static final String APP_PASSWORD = java.util.UUID.randomUUID().toString();

  /** The writer through the pooler Service's ClusterIP, as the application's role. */
  static WriteLoad poolerWriter() {
    String ip = client.services().inNamespace(ns).withName(NAME + "-pooler").get().getSpec().getClusterIP();
    Properties app = new Properties();
    app.setProperty("user", "day2_app");
    app.setProperty("password", APP_PASSWORD);
    return new WriteLoad("day2", "jdbc:postgresql://" + ip + ":" + ClusterNames.POOLER_PORT
        + "/ai_trading?sslmode=require&prepareThreshold=0&connectTimeout=5&socketTimeout=10", app, "day2_log");
  }
}
