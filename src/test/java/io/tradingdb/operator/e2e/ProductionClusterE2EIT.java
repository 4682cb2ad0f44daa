package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.tradingdb.operator.postgres.ServedCertificate;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HealthStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The guide end to end on real pods, the way a platform team meets it: the operator installed by
 * `helm install` runs as a pod, the production sample (3 instances, synchronous mode, a WAL volume,
 * pgBouncer with 2 replicas, monitoring) applied with resources for this small machine, in a
 * namespace enforcing Pod Security `restricted`. Patroni 4 in the timescaledb-ha stand-in elects
 * and labels the primary; the test only reads, connects as a client would, and breaks things.
 * The parts run in order on the one cluster, as a user's day would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionClusterE2EIT {

  /** The production sample, small: every structural choice kept, sizes cut to two shared cores. */
  static final String TESTING_OVERLAY = """
      {"spec": {
        "storage": {"data": {"size": "1Gi"}, "wal": {"size": "1Gi", "storageClassName": "standard-wffc"}},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        "postgresql": {"parameters": {"max_connections": "100", "shared_buffers": "128MB",
          "effective_cache_size": "512MB", "work_mem": "4MB", "maintenance_work_mem": "64MB"}},
        "timescaledb": {"maxBackgroundWorkers": 4},
        "pooler": {"image": "localhost/tradingdb/pgbouncer:1.24", "maxClientConn": 200},
        "monitoring": {"healthCheckInterval": "15s"},
        "pgBackRest": null
      }}""";
  static final String NAME = "trading-prod";

  static KubernetesClient client;
  static RealNodeOperator.Installation operator;
  static String ns;
  static Path ca;
  static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void install() throws Exception {
    client = RealCluster.client();
    operator = RealNodeOperator.Installation.install(client, "e2e-system", "e2e-prod");
    ns = operator.namespace();
  }

  @AfterAll
  static void uninstall() throws Exception {
    // The next ITs get the node's two cores back.
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  @Order(1)
  void productionClusterIsReadyWithPatroniLeadingAndServicesRouting() throws Exception {
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-production.yaml", ns, TESTING_OVERLAY);
    assertThat(db.getMetadata().getName()).isEqualTo(NAME);
    assertThat(db.getSpec().getInstances()).isEqualTo(3);
    assertThat(db.getSpec().getPatroni().getSynchronousMode()).isTrue();
    assertThat(db.getSpec().getPooler().getInstances()).isEqualTo(2);
    long applied = System.nanoTime();
    client.resource(db).create();

    TradingDatabase ready = awaitReady(Duration.ofMinutes(12));
    System.out.printf("apply to Ready, 3 instances: %.1f s%n", (System.nanoTime() - applied) / 1e9);

    // Patroni, not the test, labels the leader and the replicas.
    List<Pod> pods = instancePods();
    assertThat(pods).hasSize(3).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("real-node"));
    List<Pod> primaries = pods.stream().filter(p -> "primary".equals(p.getMetadata().getLabels().get("role"))).toList();
    List<Pod> replicas = pods.stream().filter(p -> "replica".equals(p.getMetadata().getLabels().get("role"))).toList();
    assertThat(primaries).hasSize(1);
    assertThat(replicas).hasSize(2);
    assertThat(ready.getStatus().getCurrentPrimary()).isEqualTo(primaries.get(0).getMetadata().getName());

    // -rw has the primary as its only endpoint, -ro the two replicas.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(endpoints(NAME + "-rw")).containsExactly(primaries.get(0).getStatus().getPodIP());
      assertThat(endpoints(NAME + "-ro")).containsExactlyInAnyOrderElementsOf(
          replicas.stream().map(p -> p.getStatus().getPodIP()).toList());
    });
    // And a session through each lands where the Service says: recovery only on -ro.
    Map<String, String> su = superuser();
    assertThat(psql(NAME + "-rw", su, "SELECT pg_is_in_recovery()").strip()).isEqualTo("f");
    assertThat(psql(NAME + "-ro", su, "SELECT pg_is_in_recovery()").strip()).isEqualTo("t");
    assertThat(psql(NAME + "-rw", su, "SHOW synchronous_standby_names").strip()).isNotEmpty();

    // A separate WAL volume per instance, and the pooler's two replicas serve.
    assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .contains("pgwal-" + NAME + "-0", "pgwal-" + NAME + "-1", "pgwal-" + NAME + "-2");
    assertThat(client.apps().deployments().inNamespace(ns).withName(NAME + "-pooler").get().getStatus().getReadyReplicas())
        .isEqualTo(2);

    // Streaming replication, as the primary sees it, in status.
    HealthStatus health = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3)).until(
        () -> status().getHealth(), h -> h != null && Integer.valueOf(2).equals(h.getStreamingReplicas()));
    assertThat(health.getSynchronousReplicas()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void aMillionTicksGoThroughThePoolerIntoAHypertableAndReadBackFromTheReplicas() throws Exception {
    applyDbUser("""
        apiVersion: tradingdb.io/v1alpha1
        kind: DbUser
        metadata: {name: ticks-app}
        spec:
          target: {tradingDatabase: {name: trading-prod}}
          roleName: ticks_app
          privileges:
            database: [CONNECT]
            schemas: [{name: public, privileges: [USAGE, CREATE]}]
        """);
    Map<String, String> app = connectionSecret("ticks-app-connection");
    assertThat(app.get("pooler-host")).isEqualTo(NAME + "-pooler." + ns + ".svc");
    String created = psqlVia(app.get("pooler-host"), app, """
        CREATE TABLE ticks (time timestamptz NOT NULL, symbol text NOT NULL, price double precision NOT NULL);
        SELECT created FROM create_hypertable('ticks', by_range('time', INTERVAL '1 day'));
        INSERT INTO ticks SELECT timestamptz '2026-11-01 00:00:00+00' + i * INTERVAL '1 second', 'SYM' || (i % 50), 100 + i % 997
          FROM generate_series(1, 1000000) AS i;
        SELECT count(*) FROM ticks;""");
    assertThat(created.lines().toList()).containsSequence("t", "1000000");

    String ro = NAME + "-ro." + ns + ".svc";
    String query = "SELECT count(*), count(DISTINCT symbol) FROM ticks;"
        + " SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'";
    String fromReplica = await().atMost(Duration.ofMinutes(1)).until(() -> psqlVia(ro, app, query),
        out -> out.startsWith("1000000|50"));
    assertThat(Integer.parseInt(fromReplica.lines().toList().get(1))).as("chunks of 1 day over 11.6 days").isEqualTo(12);
  }

  @Test
  @Order(3)
  void tlsWithTheOperatorsCaOnEveryServiceAndPlainTextRefused() throws Exception {
    // The application's login: the pooler refuses superusers by design.
    Map<String, String> su = connectionSecret("ticks-app-connection");
    for (String service : List.of(NAME + "-rw", NAME + "-ro", NAME + "-pooler")) {
      assertThat(psql(service, su, "SELECT 1").strip()).as(service).isEqualTo("1");
      RealNodeOperator.Process.Result plain = psqlRaw(service, su, "disable", "SELECT 1");
      assertThat(plain.exit()).as("plain text to %s", service).isNotZero();
      assertThat(plain.err()).as(service).containsAnyOf("no pg_hba.conf entry", "SSL required", "server login has been failing");
    }

    // Forced re-issue: the server certificate's Secret is deleted; the operator issues a new one
    // from the same CA, and clients verifying with that CA keep connecting all along.
    String before = client.secrets().inNamespace(ns).withName(NAME + "-tls").get().getData().get("tls.crt");
    client.secrets().inNamespace(ns).withName(NAME + "-tls").delete();
    Secret reissued = await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(
        () -> client.secrets().inNamespace(ns).withName(NAME + "-tls").get(),
        s -> s != null && !before.equals(s.getData().get("tls.crt")));
    assertThat(reissued.getData().get("ca.crt")).isEqualTo(
        client.secrets().inNamespace(ns).withName(NAME + "-ca").get().getData().get("ca.crt"));
    long reissuedAt = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      for (String service : List.of(NAME + "-rw", NAME + "-ro", NAME + "-pooler")) {
        assertThat(psql(service, su, "SELECT 1").strip()).as(service).isEqualTo("1");
      }
      Thread.sleep(3000);
    }
    // And PostgreSQL itself serves the new certificate: it reads its files only at start and on a
    // reload, so the operator has each member reload (Patroni's POST /reload) once kubelet delivered them.
    String wanted = ServedCertificate.fingerprintOfPem(new String(java.util.Base64.getDecoder()
        .decode(reissued.getData().get("tls.crt")), java.nio.charset.StandardCharsets.US_ASCII));
    try {
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
        for (int i = 0; i < 3; i++) {
          String ip = client.pods().inNamespace(ns).withName(NAME + "-" + i).get().getStatus().getPodIP();
          assertThat(ServedCertificate.fingerprint(ip, 5432)).as(NAME + "-" + i + " serves the new certificate").isEqualTo(wanted);
        }
      });
    } finally {
      RealNodeOperator.operatorLog(client, operator.operatorNamespace(), l -> l.contains("ertificate"))
          .stream().limit(30).forEach(l -> System.out.println("operator: " + RealNodeOperator.logMessage(l)));
    }
    System.out.printf("e2e: every instance serves the re-issued certificate %.1f s after it was issued%n",
        (System.nanoTime() - reissuedAt) / 1e9);
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anyMatch(e -> "CertificateServed".equals(e.getReason())));
    for (String service : List.of(NAME + "-rw", NAME + "-ro", NAME + "-pooler")) {
      assertThat(psql(service, su, "SELECT 1").strip()).as(service + " after the reload").isEqualTo("1");
    }
  }

  @Test
  @Order(4)
  void theGuidesUsersGetExactlyTheirGrantsThroughThePooler() throws Exception {
    Map<String, String> su = superuser();
    psql(NAME + "-rw", su, "CREATE TABLE news_articles (id bigserial PRIMARY KEY, headline text NOT NULL);"
        + " INSERT INTO news_articles (headline) VALUES ('rates unchanged')");
    applyDbUser(Files.readString(RealNodeOperator.PROJECT.resolve("samples/dbuser-readonly.yaml")));
    String writer = Files.readString(RealNodeOperator.PROJECT.resolve("samples/dbuser-news-writer.yaml"))
        .replace("name: news-writer", "name: app-user").replace("roleName: news_writer", "roleName: app_user");
    applyDbUser(writer);
    Map<String, String> readonly = connectionSecret("readonly-connection");
    Map<String, String> appUser = connectionSecret("app-user-connection");
    assertThat(readonly.get("username")).isEqualTo("readonly_user");
    assertThat(appUser.get("username")).isEqualTo("app_user");
    String pooler = readonly.get("pooler-host");

    assertThat(psqlVia(pooler, readonly, "SELECT headline FROM news_articles")).contains("rates unchanged");
    assertThat(psqlVia(pooler, readonly, "SELECT count(*) FROM ticks").strip()).isEqualTo("1000000");
    assertDenied(pooler, readonly, "INSERT INTO news_articles (headline) VALUES ('x')");
    assertDenied(pooler, readonly, "UPDATE news_articles SET headline = 'x'");

    assertThat(psqlVia(pooler, appUser, "INSERT INTO news_articles (headline) VALUES ('earnings beat') RETURNING id"))
        .isNotBlank();
    assertThat(psqlVia(pooler, appUser, "UPDATE news_articles SET headline = 'earnings beat again'"
        + " WHERE headline = 'earnings beat'")).isEmpty();
    assertThat(psqlVia(pooler, appUser, "SELECT headline FROM news_articles ORDER BY id"))
        .contains("rates unchanged", "earnings beat again");
    assertDenied(pooler, appUser, "DELETE FROM news_articles");
    assertDenied(pooler, appUser, "SELECT count(*) FROM ticks");
    assertDenied(pooler, appUser, "CREATE TABLE mine (x int)");

    // The operator's own health queries ran on the real primary.
    HealthStatus health = await().atMost(Duration.ofMinutes(1)).until(() -> status().getHealth(),
        h -> h != null && h.getDatabaseSizeBytes() != null && h.getDatabaseSizeBytes() > 50_000_000L);
    assertThat(health.getCheckedAt()).isNotBlank();
    assertThat(health.getConnections()).isPositive();
    assertThat(health.getMaxConnections()).isEqualTo(100);
    assertThat(health.getCacheHitRatio()).isNotBlank();
    assertThat(status().getConditions()).anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus())
        .isEqualTo("HealthChecked=True"));
  }

  @Test
  @Order(5)
  void theGuidesMetricsComeFromTheExporterSidecarOverThePodNetwork() throws Exception {
    Map<String, String> su = superuser();
    // A slow statement, an unused index and a duplicate one, so every guide metric has something to say.
    psql(NAME + "-rw", su, "SELECT pg_sleep(1.2); CREATE INDEX ticks_symbol_a ON ticks (symbol);"
        + " CREATE INDEX ticks_symbol_b ON ticks (symbol)");
    Pod primary = client.pods().inNamespace(ns).withName(status().getCurrentPrimary()).get();
    URI metrics = URI.create("http://" + primary.getStatus().getPodIP() + ":" + ClusterNames.EXPORTER_PORT + "/metrics");
    String body = await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(
        () -> http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(20)).build(),
            HttpResponse.BodyHandlers.ofString()).body(),
        b -> metric(b, "tradingdb_indexes_duplicate") >= 1 && b.contains("tradingdb_slow_queries"));
    assertThat(metric(body, "tradingdb_connections_used")).isPositive();
    assertThat(metric(body, "tradingdb_connections_max")).isEqualTo(100);
    assertThat(metric(body, "tradingdb_database_size_bytes")).isGreaterThan(50_000_000);
    assertThat(metric(body, "tradingdb_cache_hit_ratio")).isBetween(0.0, 1.0);
    assertThat(metric(body, "tradingdb_indexes_unused")).isGreaterThanOrEqualTo(2);
    assertThat(body).containsPattern("tradingdb_slow_queries_[a-z_]+\\{[^}]*pg_sleep");
  }

  @Test
  @Order(6)
  void failoverInSynchronousModeLosesNoAcknowledgedWrite() throws Exception {
    Map<String, String> su = connectionSecret("ticks-app-connection");
    psql(NAME + "-pooler", su, "CREATE TABLE failover_log (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");

    String first = status().getCurrentPrimary();
    try (Writer writer = new Writer(su)) {
      writer.awaitWrites(50);
      long deleted = System.nanoTime();
      client.pods().inNamespace(ns).withName(first).delete();
      String second = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(
          () -> status().getCurrentPrimary(), p -> p != null && !p.equals(first));
      double toPrimary = (System.nanoTime() - deleted) / 1e9;
      writer.awaitWritesAfter(deleted, 50, Duration.ofMinutes(3));
      System.out.printf("failover (pod deleted): new primary %s in status after %.1f s; first write after %.1f s;"
          + " longest write gap %.1f s%n", second, toPrimary, (writer.firstWriteAfter(deleted) - deleted) / 1e9,
          writer.longestGap() / 1e9);

      // kill -9 of the postmaster inside the primary container: Patroni restarts it or fails over.
      awaitReady(Duration.ofMinutes(5));
      long killed = System.nanoTime();
      String pid = exec(second, "sh", "-c", "head -1 \"$PGDATA/postmaster.pid\"").strip();
      assertThat(pid).matches("[0-9]+");
      exec(second, "kill", "-9", pid);
      writer.awaitWritesAfter(killed, 50, Duration.ofMinutes(3));
      System.out.printf("failover (postmaster killed): primary now %s; first write after %.1f s;"
          + " longest write gap since the kill %.1f s%n", status().getCurrentPrimary(),
          (writer.firstWriteAfter(killed) - killed) / 1e9, writer.longestGapAfter(killed) / 1e9);
      writer.stop();

      Set<Long> stored = new TreeSet<>();
      for (String line : psql(NAME + "-rw", su, "SELECT id FROM failover_log").lines().toList()) {
        stored.add(Long.parseLong(line.strip()));
      }
      assertThat(writer.acknowledged()).as("acknowledged writes").hasSizeGreaterThan(150);
      assertThat(stored).as("every acknowledged row survived both failures").containsAll(writer.acknowledged());
    }
    awaitReady(Duration.ofMinutes(5));
  }

  @Test
  @Order(7)
  void deletingKeepsTheVolumesAndTheSameNameReattachesTheData() throws Exception {
    List<String> claims = client.persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
        .map(c -> c.getMetadata().getName()).filter(n -> n.endsWith(NAME + "-0") || n.endsWith(NAME + "-1")
            || n.endsWith(NAME + "-2")).sorted().toList();
    assertThat(claims).hasSize(6);
    client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).delete();
    await().atMost(Duration.ofMinutes(3)).until(() -> instancePods().isEmpty()
        && client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get() == null);
    assertThat(claims).allSatisfy(c -> assertThat(client.persistentVolumeClaims().inNamespace(ns).withName(c).get())
        .as("claim %s after deletion", c).isNotNull());

    client.resource(RealNodeOperator.sample("tradingdatabase-production.yaml", ns, TESTING_OVERLAY)).create();
    awaitReady(Duration.ofMinutes(10));
    awaitReadWriteRoutes();
    assertThat(psql(NAME + "-rw", superuser(), "SELECT count(*) FROM ticks").strip()).isEqualTo("1000000");

    client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).edit(d -> {
      d.getSpec().setVolumeDeletionPolicy(io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeDeletionPolicy.DELETE);
      return d;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> status().getObservedGeneration()
        .equals(client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get().getMetadata().getGeneration()));
    client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).delete();
    await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(claims)
        .allSatisfy(c -> assertThat(client.persistentVolumeClaims().inNamespace(ns).withName(c).get()).isNull()));
  }

  /**
   * Bad input the API cannot catch: an image without Patroni. The container's own reason reaches
   * status, and while the kubelet keeps restarting it the operator writes little: one reconcile per
   * change of that reason, not one per kubelet status update.
   */
  @Test
  @Order(8)
  void anImageThatCannotStartIsReportedWithTheContainersReasonWithoutARetryStorm() throws Exception {
    TradingDatabase broken = RealNodeOperator.sample("tradingdatabase-development.yaml", ns,
        "{\"metadata\": {\"name\": \"broken\"}, \"spec\": {\"image\": \"localhost/toolbox:busybox\"}}");
    client.resource(broken).create();
    var brokenDb = client.resources(TradingDatabase.class).inNamespace(ns).withName("broken");
    io.fabric8.kubernetes.api.model.Condition notReady = await().atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(2)).until(
            () -> brokenDb.get().getStatus() == null ? null : brokenDb.get().getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null),
            c -> c != null && c.getMessage().contains("CrashLoopBackOff"));
    assertThat(notReady.getStatus()).isEqualTo("False");
    assertThat(notReady.getReason()).isEqualTo("ContainerNotStarting");
    assertThat(notReady.getMessage()).isEqualTo(
        "waiting for the first instance: 0/1 ready; container postgres of pod broken-0: CrashLoopBackOff");

    // The kubelet keeps restarting the container; the operator's writes stay few.
    int restartsBefore = restarts("broken-0");
    String versionBefore = brokenDb.get().getMetadata().getResourceVersion();
    List<String> versions = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch = brokenDb.watch(new io.fabric8.kubernetes.client.Watcher<TradingDatabase>() {
      @Override
      public void eventReceived(Action action, TradingDatabase resource) {
        versions.add(resource.getMetadata().getResourceVersion());
      }

      @Override
      public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
    })) {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5))
          .until(() -> restarts("broken-0") >= restartsBefore + 2);
    }
    long writes = versions.stream().filter(v -> !v.equals(versionBefore)).distinct().count();
    System.out.printf("crash loop: %d restarts, %d writes to the TradingDatabase%n",
        restarts("broken-0") - restartsBefore, writes);
    assertThat(writes).as("TradingDatabase writes while the container restarted twice").isLessThanOrEqualTo(10);
    assertThat(client.apps().statefulSets().inNamespace(ns).withName("broken").get().getMetadata().getGeneration())
        .as("the StatefulSet is not rewritten").isEqualTo(1L);
    brokenDb.delete();
  }

  static int restarts(String pod) {
    return client.pods().inNamespace(ns).withName(pod).get().getStatus().getContainerStatuses().stream()
        .filter(c -> ClusterStatefulSet.CONTAINER.equals(c.getName())).mapToInt(c -> c.getRestartCount()).sum();
  }

  // ---- helpers: a client as a user runs it, from this machine through kube-proxy ----

  static TradingDatabase awaitReady(Duration timeout) {
    return await().atMost(timeout).pollInterval(Duration.ofSeconds(2)).until(
        () -> client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get(),
        d -> d != null && d.getStatus() != null && "Ready".equals(d.getStatus().getPhase()));
  }

  /**
   * Ready counts ready pods and the primary's role label; the -rw Service routes there only once the
   * EndpointSlice controller and kube-proxy have caught up (a .ci/run's psql right after Ready got
   * "Connection refused", kube-proxy's answer for a Service without endpoints). A client retries its
   * connection; so does this, and it prints how long routing lagged behind Ready.
   */
  static void awaitReadWriteRoutes() {
    long since = System.nanoTime();
    Map<String, String> su = superuser();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(
        () -> psqlRaw(NAME + "-rw", su, "verify-full", "SELECT pg_is_in_recovery()"),
        r -> r.exit() == 0 && "f".equals(r.out().strip()));
    System.out.printf("-rw accepted a session %.1f s after Ready%n", (System.nanoTime() - since) / 1e9);
  }

  static TradingDatabaseStatus status() {
    return client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get().getStatus();
  }

  static List<Pod> instancePods() {
    return client.pods().inNamespace(ns).withLabel(io.tradingdb.operator.kube.Labels.INSTANCE, NAME).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().matches(NAME + "-[0-9]+")).toList();
  }

  static List<String> endpoints(String service) {
    return client.resources(EndpointSlice.class).inNamespace(ns).withLabel("kubernetes.io/service-name", service)
        .list().getItems().stream().flatMap(s -> s.getEndpoints().stream())
        .filter(e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
        .flatMap(e -> e.getAddresses().stream()).toList();
  }

  static Map<String, String> superuser() {
    Secret s = client.secrets().inNamespace(ns).withName(NAME + "-superuser").get();
    return Map.of("username", RealNodeOperator.decodeString(s, "username"),
        "password", RealNodeOperator.decodeString(s, "password"), "dbname", "ai_trading");
  }

  static void applyDbUser(String yaml) {
    DbUser user = Serialization.unmarshal(yaml, DbUser.class);
    user.getMetadata().setNamespace(ns);
    client.resource(user).create();
  }

  static Map<String, String> connectionSecret(String name) {
    Secret s = await().atMost(Duration.ofMinutes(2)).until(() -> client.secrets().inNamespace(ns).withName(name).get(),
        java.util.Objects::nonNull);
    Map<String, String> data = new java.util.TreeMap<>();
    s.getData().keySet().forEach(k -> data.put(k, RealNodeOperator.decodeString(s, k)));
    return data;
  }

  static Path ca() throws Exception {
    if (ca == null) {
      ca = Files.createTempFile("tradingdb-ca", ".crt");
      Files.write(ca, RealNodeOperator.decode(client.secrets().inNamespace(ns).withName(NAME + "-ca").get(), "ca.crt"));
    }
    return ca;
  }

  static String psql(String service, Map<String, String> login, String sql) throws Exception {
    return psqlVia(service + "." + ns + ".svc", login, sql);
  }

  /** psql with sslmode=verify-full against the Service's DNS name; hostaddr keeps the name off this machine's resolver. */
  static String psqlVia(String host, Map<String, String> login, String sql) throws Exception {
    RealNodeOperator.Process.Result r = psqlRaw(host.substring(0, host.indexOf('.')), login, "verify-full", sql);
    assertThat(r.exit()).as("psql to %s as %s: %s", host, login.get("username"), r.err()).isZero();
    return r.out();
  }

  static RealNodeOperator.Process.Result psqlRaw(String service, Map<String, String> login, String sslmode, String sql)
      throws Exception {
    // The Service's own port: 5432 on -rw and -ro, 6432 on the pooler (as the connection Secret's pooler-port says).
    var spec = client.services().inNamespace(ns).withName(service).get().getSpec();
    return RealNodeOperator.Process.run(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
        "host=" + service + "." + ns + ".svc hostaddr=" + spec.getClusterIP() + " port=" + spec.getPorts().get(0).getPort()
            + " dbname=" + login.getOrDefault("dbname", "ai_trading") + " user=" + login.get("username")
            + " sslmode=" + sslmode + " sslrootcert=" + ca() + " connect_timeout=10",
        "-c", sql), Map.of("PGPASSWORD", login.get("password")), Duration.ofMinutes(5));
  }

  static void assertDenied(String host, Map<String, String> login, String sql) throws Exception {
    RealNodeOperator.Process.Result r = psqlRaw(host.substring(0, host.indexOf('.')), login, "verify-full", sql);
    assertThat(r.exit()).as("%s as %s", sql, login.get("username")).isNotZero();
    assertThat(r.err()).as("%s as %s", sql, login.get("username")).contains("permission denied");
  }

  static String exec(String pod, String... command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch = client.pods().inNamespace(ns).withName(pod).inContainer(ClusterStatefulSet.CONTAINER)
        .writingOutput(out).writingError(err).exec(command)) {
      Integer code = watch.exitCode().get(30, TimeUnit.SECONDS);
      assertThat(code).as("exit code of %s, stderr: %s", String.join(" ", command), err).isZero();
    } catch (Exception e) {
      throw new AssertionError("exec " + String.join(" ", command) + " failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The sum of a metric's samples in Prometheus text format (labels ignored), -1 when absent. */
  static double metric(String body, String name) {
    double sum = 0;
    boolean found = false;
    for (String line : body.lines().toList()) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? sum : -1;
  }

  /**
   * An application that inserts one row per transaction through the pooler and remembers which
   * commits were acknowledged, reconnecting after every error as a client library would.
   */
  static final class Writer implements AutoCloseable {
    private final ConcurrentSkipListMap<Long, Long> acknowledgedAt = new ConcurrentSkipListMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final String url;
    private final Properties props = new Properties();

    Writer(Map<String, String> login) {
      String ip = client.services().inNamespace(ns).withName(NAME + "-pooler").get().getSpec().getClusterIP();
      // The JDBC driver verifies the name it dialled; the pooler's ClusterIP is not in the
      // certificate, so this client encrypts (require) and psql checks verify-full elsewhere.
      url = "jdbc:postgresql://" + ip + ":" + login.get("pooler-port") + "/ai_trading?sslmode=require&connectTimeout=5&socketTimeout=10"
          + "&prepareThreshold=0";
      props.setProperty("user", login.get("username"));
      props.setProperty("password", login.get("password"));
      thread = new Thread(this::loop, "failover-writer");
      thread.start();
    }

    private void loop() {
      long next = 1;
      while (running.get()) {
        try (Connection c = DriverManager.getConnection(url, props);
            PreparedStatement insert = c.prepareStatement("INSERT INTO failover_log (id) VALUES (?)")) {
          while (running.get()) {
            insert.setLong(1, next);
            insert.executeUpdate();
            acknowledgedAt.put(next, System.nanoTime());
            next++;
            Thread.sleep(20);
          }
        } catch (Exception e) {
          // The row may or may not have been written; only acknowledged ids are checked.
          next++;
          try {
            Thread.sleep(100);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }

    void awaitWrites(int n) {
      await().atMost(Duration.ofMinutes(1)).until(() -> acknowledgedAt.size() >= n);
    }

    void awaitWritesAfter(long since, int n, Duration timeout) {
      await().atMost(timeout).until(() -> acknowledgedAt.values().stream().filter(t -> t > since).count() >= n);
    }

    long firstWriteAfter(long since) {
      return acknowledgedAt.values().stream().filter(t -> t > since).min(Long::compare).orElseThrow();
    }

    long longestGap() {
      return longestGapAfter(Long.MIN_VALUE);
    }

    /** The longest time between two acknowledged writes, counting from {@code since}. */
    long longestGapAfter(long since) {
      long longest = 0;
      Long previous = since == Long.MIN_VALUE ? null : since;
      for (long t : new ArrayList<>(new TreeSet<>(acknowledgedAt.values()))) {
        if (t < since) {
          continue;
        }
        if (previous != null) {
          longest = Math.max(longest, t - previous);
        }
        previous = t;
      }
      return longest;
    }

    Set<Long> acknowledged() {
      return acknowledgedAt.keySet();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
