package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.tradingdatabase.PasswordRotation;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.patroni.Member;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.WriteLoad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 part 4 on the real node: a 2-instance cluster with pgBouncer and both exporters, an
 * operator in this JVM, and a writer inserting one row per transaction through the pooler (as an
 * application role, which pgBouncer looks up with the rotated lookup login). The
 * tradingdb.io/rotate-credentials annotation rotates every system password; then the old passwords
 * are refused, the new ones work, pgBouncer moved to its other lookup login without refusing a
 * single new login, a restarted replica streams again with the new replication password, the
 * exporters scrape again, and no container restarted.
 */
class PasswordRotationOnRealNodeIT {

  static final String NAME = "trading-rot";
  static final String OVERLAY = """
      {"spec": {
        "instances": 2,
        "storage": {"data": {"size": "1Gi"}, "wal": {"size": "1Gi", "storageClassName": "standard-wffc"}},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        "postgresql": {"parameters": {"max_connections": "100", "shared_buffers": "128MB",
          "effective_cache_size": "512MB", "work_mem": "4MB", "maintenance_work_mem": "64MB"}},
        "timescaledb": {"maxBackgroundWorkers": 4},
        "patroni": {"synchronousMode": false},
        "pooler": {"enabled": true, "instances": 1, "image": "localhost/tradingdb/pgbouncer:1.24", "maxClientConn": 100},
        "monitoring": {"enabled": true, "vacuumAnalyzeSchedule": null},
        "pgBackRest": null
      }}""";

  /** The application's password, made for this run: none is written into the repository. */
  static final String APP_PASSWORD = java.util.UUID.randomUUID().toString();

  static RealNodePatroni.Session session;
  static KubernetesClient client;
  static String ns;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    session = RealNodePatroni.Session.open("rotate", NAME);
    client = session.client();
    ns = session.namespace();
  }

  @AfterAll
  static void stop() throws Exception {
    if (session != null) {
      session.close();
    }
  }

  @Test
  void everySystemPasswordRotatesWithoutAFailedWriteOrARestart() throws Exception {
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-production.yaml", ns, OVERLAY);
    db.getSpec().getStorage().getData().setStorageClassName("standard-wffc");
    db.getMetadata().setName(NAME);
    client.resource(db).create();
    long t0 = System.nanoTime();
    await().ignoreExceptions().atMost(Duration.ofMinutes(12)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(status().getPhase()).isEqualTo("Ready");
      assertThat(members()).hasSize(2).allMatch(Member::running).allMatch(m -> m.credentials() != null);
      assertThat(client.apps().deployments().inNamespace(ns).withName(NAME + "-pooler").get().getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(metrics(primaryIp())).contains("pg_up 1");
    });
    System.out.printf("rotate: 2 instances, pooler and exporters Ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    try (Connection c = connect(primaryIp(), superuser()); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE rot_log (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
      st.execute("CREATE ROLE rot_app LOGIN PASSWORD " + io.tradingdb.operator.postgres.SqlQuote.literal(APP_PASSWORD));
      st.execute("GRANT INSERT, SELECT ON rot_log TO rot_app");
    }
    Properties app = new Properties();
    app.setProperty("user", "rot_app");
    app.setProperty("password", APP_PASSWORD);
    WriteLoad writer = new WriteLoad("rotate", poolerUrl(), app, "rot_log");
    writer.awaitWrites(50);

    Properties oldSuperuser = superuser();
    Map<String, String> oldReplication = secret(NAME + "-replication");
    String oldMonitoring = secret(NAME + "-monitoring-auth").get("password");
    Map<String, String> oldPooler = secret(NAME + "-pooler-auth");
    Map<String, String> podUids = podUids();
    Map<String, Integer> exporterRestarts = allRestarts();
    // New logins through the pooler, one a second, from before the rotation until a minute after it:
    // pgBouncer moves to its other lookup login, and the exporters take their new passwords.
    java.util.concurrent.atomic.AtomicBoolean loggingIn = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger poolerLogins = new java.util.concurrent.atomic.AtomicInteger();
    java.util.Queue<String> poolerRefused = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Thread logins = new Thread(() -> {
      while (loggingIn.get()) {
        try (Connection c = DriverManager.getConnection(poolerUrl(), app); Statement st = c.createStatement()) {
          st.execute("SELECT 1");
          poolerLogins.incrementAndGet();
        } catch (SQLException e) {
          poolerRefused.add(java.time.Instant.now() + " " + e.getMessage());
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "pooler-logins");
    logins.start();
    long from = writer.mark();
    long r0 = System.nanoTime();
    client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).edit(d -> {
      d.getMetadata().setAnnotations(new java.util.HashMap<>(d.getMetadata().getAnnotations() == null
          ? Map.of() : d.getMetadata().getAnnotations()));
      d.getMetadata().getAnnotations().put(PasswordRotation.ANNOTATION, "t1");
      return d;
    });
    await().ignoreExceptions().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      var r = status().getPasswordRotation();
      assertThat(r).isNotNull();
      assertThat(r.getToken()).isEqualTo("t1");
      assertThat(r.getResult()).as(r.getMessage()).isEqualTo("Succeeded");
    });
    double rotationSeconds = (System.nanoTime() - r0) / 1e9;
    System.out.println("rotate: " + status().getPasswordRotation().getMessage());

    // The exporters scrape with the new passwords, without a container restart.
    long e0 = System.nanoTime();
    await().ignoreExceptions().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      for (Pod p : instancePods()) {
        assertThat(metrics(p.getStatus().getPodIP())).as(p.getMetadata().getName()).contains("pg_up 1");
      }
      assertThat(poolerMetrics()).contains("pgbouncer_up 1");
    });
    System.out.printf("rotate: both postgres exporters and the pooler's exporter scrape with the new logins"
        + " (%.1f s after the rotation ended)%n", (System.nanoTime() - e0) / 1e9);
    Thread.sleep(60_000);
    loggingIn.set(false);
    logins.join();
    WriteLoad.Window w = writer.window(from);
    poolerRefused.forEach(m -> System.out.println("rotate: pooler login refused: " + m));
    System.out.printf("rotate: rotation by annotation took %.1f s; through the pooler: longest write gap %.3f s,"
        + " failed transactions %d, failed connects %d, %d writes; new pooler logins during and after it: %d ok, %d refused%n",
        rotationSeconds, w.longestGapSeconds(), w.failedTransactions(), w.failedConnects(), w.writes(), poolerLogins.get(),
        poolerRefused.size());

    // The old passwords are refused, the new ones accepted.
    assertThatThrownBy(() -> connect(primaryIp(), oldSuperuser).close()).isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    connect(primaryIp(), superuser()).close();
    // Compared as booleans: a failing assertion must not print a password.
    assertThat(secret(NAME + "-replication").get("password").equals(oldReplication.get("password")))
        .as("the replication password changed").isFalse();
    assertThat(secret(NAME + "-replication").get("restapi-password").equals(oldReplication.get("restapi-password")))
        .as("the REST API password changed").isFalse();
    assertThat(secret(NAME + "-replication").keySet()).doesNotContain("password-next", "restapi-password-next", "restapi-password-previous");
    assertThat(secret(NAME + "-monitoring-auth").get("password").equals(oldMonitoring))
        .as("the monitoring password changed").isFalse();
    Map<String, String> pooler = secret(NAME + "-pooler-auth");
    assertThat(pooler.get("password").equals(oldPooler.get("password"))).as("the pooler lookup password changed").isFalse();
    assertThat(pooler.get("username")).as("pgBouncer moved to its other lookup login")
        .isEqualTo(PoolerAuthSetup.other(oldPooler.get("username")));
    assertThat(pooler.keySet()).doesNotContain("password-next", "username-next", "username-previous");
    assertThatThrownBy(() -> connect(primaryIp(), login(oldPooler.get("username"), oldPooler.get("password"))).close())
        .as("the old lookup login has no password any more")
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    assertThatThrownBy(() -> connect(primaryIp(), login("standby", oldReplication.get("password"))).close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    assertThatThrownBy(() -> connect(primaryIp(), login("tradingdb_monitor", oldMonitoring)).close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    PatroniClient.Login oldRest = new PatroniClient.Login("patroni", oldReplication.get("restapi-password"));
    PatroniClient.Login newRest = new PatroniClient.Login("patroni", secret(NAME + "-replication").get("restapi-password"));
    Member replica = members().stream().filter(m -> !m.leader()).findFirst().orElseThrow();
    assertThatThrownBy(() -> patroni().reload(replica.apiBase(), oldRest)).isInstanceOf(PatroniClient.PatroniException.class)
        .hasMessageContaining("401");

    // Replication with the new password: the replica's PostgreSQL restarts and streams again.
    String replicaStarted = String.valueOf(patroni().member(replica.apiBase()).get("postmaster_start_time"));
    patroni().restart(replica.apiBase(), newRest);
    await().ignoreExceptions().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(String.valueOf(patroni().member(replica.apiBase()).get("postmaster_start_time"))).isNotEqualTo(replicaStarted);
      assertThat(members()).filteredOn(m -> m.name().equals(replica.name())).singleElement().matches(Member::streaming);
    });
    System.out.println("rotate: replica " + replica.name() + " restarted and streams with the new replication password");

    writer.awaitWritesAfter(System.nanoTime(), 20);
    writer.stop();
    assertThat(podUids()).as("no pod was replaced").isEqualTo(podUids);
    assertThat(allRestarts()).as("no container restarted, the exporters included").isEqualTo(exporterRestarts);
    assertThat(w.failedTransactions()).isZero();
    assertThat(poolerLogins.get()).as("new logins through the pooler were tried and served").isGreaterThan(60);
    assertThat(poolerRefused).as("refused pooler logins").isEmpty();
    assertThat(status().getPhase()).isEqualTo("Ready");
  }

  // ---- helpers

  static TradingDatabaseStatus status() {
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get();
    return db == null || db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
  }

  static String rwIp() {
    return RealNodePatroni.rwIp(client, ns, NAME);
  }

  static String poolerUrl() {
    String ip = client.services().inNamespace(ns).withName(NAME + "-pooler").get().getSpec().getClusterIP();
    return "jdbc:postgresql://" + ip + ":" + ClusterNames.POOLER_PORT
        + "/ai_trading?sslmode=require&prepareThreshold=0&connectTimeout=5&socketTimeout=10";
  }

  static PatroniClient patroni() {
    return RealNodePatroni.client(client, ns, NAME);
  }

  static String primaryIp() {
    return client.pods().inNamespace(ns).withName(status().getCurrentPrimary()).get().getStatus().getPodIP();
  }

  static java.util.List<Member> members() {
    return patroni().cluster(RealNodePatroni.base(primaryIp()));
  }

  static java.util.List<Pod> instancePods() {
    return client.pods().inNamespace(ns).withLabel("tradingdb.io/cluster", NAME).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().matches(NAME + "-[0-9]+")).toList();
  }

  static Map<String, String> podUids() {
    Map<String, String> uids = new LinkedHashMap<>();
    client.pods().inNamespace(ns).list().getItems().forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    return uids;
  }

  /** Restarts of every container of every pod in the namespace, by "pod/container". */
  static Map<String, Integer> allRestarts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    client.pods().inNamespace(ns).list().getItems().forEach(p -> p.getStatus().getContainerStatuses()
        .forEach(c -> counts.put(p.getMetadata().getName() + "/" + c.getName(), c.getRestartCount())));
    return counts;
  }

  static String poolerMetrics() throws Exception {
    Pod pooler = client.pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(NAME + "-pooler-")).findFirst().orElseThrow();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + pooler.getStatus().getPodIP() + ":"
        + ClusterNames.POOLER_EXPORTER_PORT + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  static String metrics(String ip) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + ClusterNames.EXPORTER_PORT
        + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  static Map<String, String> secret(String name) {
    var s = client.secrets().inNamespace(ns).withName(name).get();
    Map<String, String> data = new LinkedHashMap<>();
    s.getData().keySet().forEach(k -> data.put(k, RealNodeOperator.decodeString(s, k)));
    return data;
  }

  static Properties superuser() {
    Map<String, String> s = secret(NAME + "-superuser");
    return login(s.get("username"), s.get("password"));
  }

  static Properties login(String user, String password) {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return props;
  }

  static Connection connect(String host, Properties login) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + ClusterNames.POSTGRES_PORT
        + "/ai_trading?sslmode=require&connectTimeout=5&socketTimeout=10", login);
  }
}
