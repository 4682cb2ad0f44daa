package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.Pgbench;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's pooler benchmark on real pods: pgbench from the host against the pgBouncer pod (through
 * its Service) and directly against {@code -rw}, one instance with max_connections=100, TLS on. The
 * churn run opens a connection per transaction; the crowd run has 500 clients. Prints a table;
 * asserts only correctness (500 pooled clients, no failed transaction), never speed.
 * Run: {@code testenv/test.sh -Dtest=none -Dit.test=PoolerBenchmarkOnRealNodeIT -Dgroups=benchmark
 * -DexcludedTestGroups=none -Dhygiene.skip=true}.
 */
@Tag("benchmark")
class PoolerBenchmarkOnRealNodeIT {

  static final String NAME = "trading-bench";
  static final String OVERLAY = """
      {"spec": {
        "instances": 1,
        "storage": {"data": {"size": "1Gi", "storageClassName": "standard-wffc"}, "wal": null},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        "postgresql": {"parameters": {"max_connections": "100", "shared_buffers": "128MB",
          "effective_cache_size": "512MB", "work_mem": "4MB", "maintenance_work_mem": "64MB"}},
        "timescaledb": {"maxBackgroundWorkers": 4},
        "patroni": {"synchronousMode": false},
        "pooler": {"enabled": true, "instances": 1, "image": "localhost/tradingdb/pgbouncer:1.24", "maxClientConn": 600},
        "monitoring": {"enabled": false},
        "pgBackRest": null
      }}""";
  static final String USER = "bench";
  /** Made for this run: no password is written into the repository. */
  static final String PASSWORD = UUID.randomUUID().toString();

  static RealNodePatroni.Session session;
  static KubernetesClient client;
  static String ns;

  @BeforeAll
  static void start() throws Exception {
    session = RealNodePatroni.Session.open("bench", NAME);
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
  void pgbenchThroughThePoolerPodAgainstDirectToTheReadWriteService() throws Exception {
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-production.yaml", ns, OVERLAY);
    db.getMetadata().setName(NAME);
    long applied = System.nanoTime();
    client.resource(db).create();
    await().ignoreExceptions().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(3)).until(() ->
        "Ready".equals(client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get().getStatus().getPhase())
            && client.apps().deployments().inNamespace(ns).withName(NAME + "-pooler").get().getStatus().getReadyReplicas() == 1);
    System.out.printf(Locale.ROOT, "apply to Ready, 1 instance with its pooler: %.1f s%n", (System.nanoTime() - applied) / 1e9);
    String rw = client.services().inNamespace(ns).withName(NAME + "-rw").get().getSpec().getClusterIP();
    String pooler = client.services().inNamespace(ns).withName(NAME + "-pooler").get().getSpec().getClusterIP();
    var superuser = client.secrets().inNamespace(ns).withName(NAME + "-superuser").get();
    String suUser = RealNodeOperator.decodeString(superuser, "username");
    String suPassword = RealNodeOperator.decodeString(superuser, "password");
    String database = db.getSpec().getDatabaseName() == null ? "ai_trading" : db.getSpec().getDatabaseName();
    String pgbench = Pgbench.binary();

    Map<String, String> asSuperuser = Map.of("PGPASSWORD", suPassword, "PGSSLMODE", "require");
    Pgbench.Run init = Pgbench.run(pgbench, rw, ClusterNames.POSTGRES_PORT, suUser, database, asSuperuser,
        List.of("-i", "-s", "1", "-q"));
    assertThat(init.exit()).as(init.output()).isZero();
    Properties su = new Properties();
    su.setProperty("user", suUser);
    su.setProperty("password", suPassword);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + rw + ":" + ClusterNames.POSTGRES_PORT + "/"
        + database + "?sslmode=require", su); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + SqlQuote.identifier(USER) + " LOGIN PASSWORD " + SqlQuote.literal(PASSWORD));
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + SqlQuote.identifier(USER));
    }

    Map<String, String> asBench = Map.of("PGPASSWORD", PASSWORD, "PGSSLMODE", "require");
    List<String> churn = List.of("-C", "-T", "10", "-c", "8", "-j", "2", "-S", "-n");
    Pgbench.Run directChurn = Pgbench.run(pgbench, rw, ClusterNames.POSTGRES_PORT, USER, database, asBench, churn);
    Pgbench.Run pooledChurn = Pgbench.run(pgbench, pooler, ClusterNames.POOLER_PORT, USER, database, asBench, churn);
    assertThat(directChurn.exit()).as(directChurn.output()).isZero();
    assertThat(pooledChurn.exit()).as(pooledChurn.output()).isZero();

    List<String> crowd = List.of("-T", "15", "-c", "500", "-j", "4", "-S", "-n");
    Pgbench.Run directCrowd = Pgbench.run(pgbench, rw, ClusterNames.POSTGRES_PORT, USER, database, asBench, crowd);
    Pgbench.Run pooledCrowd = Pgbench.run(pgbench, pooler, ClusterNames.POOLER_PORT, USER, database, asBench, crowd);

    System.out.printf(Locale.ROOT, "%n| pgbench on real pods (select-only, SCRAM, TLS) | direct to -rw | through the pooler pod | pooled / direct |%n");
    System.out.printf(Locale.ROOT, "|---|---|---|---|%n");
    System.out.printf(Locale.ROOT, "| connection churn `-C -T 10 -c 8`, tps | %.1f | %.1f | %.2fx |%n",
        directChurn.tps(), pooledChurn.tps(), pooledChurn.tps() / directChurn.tps());
    System.out.printf(Locale.ROOT, "| 500 clients `-T 15 -c 500`, max_connections=100 | %s | %d transactions, %d failed, exit %d, %.1f tps | |%n%n",
        directCrowd.exit() == 0 ? "served" : "refused: exit " + directCrowd.exit() + ", " + directCrowd.firstLine("FATAL"),
        pooledCrowd.count(Pgbench.PROCESSED), pooledCrowd.failed(), pooledCrowd.exit(), pooledCrowd.tps());

    assertThat(directCrowd.exit()).as("500 direct clients exceed max_connections=100").isNotZero();
    assertThat(pooledCrowd.exit()).as(pooledCrowd.output()).isZero();
    assertThat(pooledCrowd.output()).contains("number of clients: 500");
    assertThat(pooledCrowd.failed()).as(pooledCrowd.output()).isZero();
    assertThat(pooledCrowd.count(Pgbench.PROCESSED)).isPositive();
  }
}
