package io.tradingdb.operator.tradingdatabase.pooler;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.testsupport.Pgbench;
import io.tradingdb.operator.testsupport.Pgbench.Run;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Direct versus pooled, with pgbench, on a PostgreSQL of its own (max_connections=100) behind the
 * generated pgBouncer configuration. Prints a table; asserts only correctness, never speed.
 * Run: {@code mvn -B -q verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=PoolerBenchmarkIT -Dgroups=benchmark -DexcludedTestGroups=none}.
 */
@Tag("benchmark")
class PoolerBenchmarkIT {

  private static final String DATABASE = "bench";
  private static final String USER = "bench";
  @Test
  void directVersusPooled() throws Exception {
    String appPassword = LocalProcesses.randomPassword();
    String lookupPassword = LocalProcesses.randomPassword();
    try (LocalPostgres postgres = LocalPostgres.start(freePortFrom(25600), "max_connections = 100")) {
      postgres.createPooledDatabase(DATABASE, USER, appPassword, lookupPassword);
      String pgbench = postgres.bin() + "/pgbench";
      check(pgbench(pgbench, postgres.port(), appPassword, "-i", "-s", "1", "-q"), "pgbench -i");

      ClusterModel model = TestClusters.model("bench", "bench", """
            databaseName: %s
            tls: {enabled: false}
            pooler: {enabled: true, maxClientConn: 600}
          """.formatted(DATABASE));
      try (LocalPgBouncer bouncer = LocalPgBouncer.start(model, "127.0.0.1", postgres.port(), lookupPassword)) {
        List<String> churn = List.of("-C", "-T", "5", "-c", "8", "-j", "2", "-S", "-n");
        Run directChurn = pgbench(pgbench, postgres.port(), appPassword, churn);
        Run pooledChurn = pgbench(pgbench, bouncer.port(), appPassword, churn);
        check(directChurn, "direct churn");
        check(pooledChurn, "pooled churn");

        List<String> crowd = List.of("-T", "10", "-c", "500", "-j", "4", "-S", "-n");
        Run directCrowd = pgbench(pgbench, postgres.port(), appPassword, crowd);
        Run pooledCrowd = pgbench(pgbench, bouncer.port(), appPassword, crowd);

        System.out.printf(Locale.ROOT, "%n| pgbench (select-only, SCRAM) | direct | pooled (pgBouncer, transaction mode) | pooled / direct |%n");
        System.out.printf(Locale.ROOT, "|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| connection churn `-C -T 5 -c 8`, tps | %.1f | %.1f | %.2fx |%n",
            directChurn.tps(), pooledChurn.tps(), pooledChurn.tps() / directChurn.tps());
        System.out.printf(Locale.ROOT, "| 500 clients `-T 10 -c 500`, max_connections=100 | %s | %d transactions, %d failed, exit %d, %.1f tps | |%n%n",
            directCrowd.exit() == 0 ? "served (unexpected)" : "refused: exit " + directCrowd.exit() + ", "
                + directCrowd.firstLine("FATAL"),
            pooledCrowd.count(Pgbench.PROCESSED), pooledCrowd.failed(), pooledCrowd.exit(), pooledCrowd.tps());

        assertThat(directCrowd.exit()).as("500 direct clients exceed max_connections=100").isNotZero();
        assertThat(directCrowd.output()).containsPattern("FATAL: +(sorry, too many clients|remaining connection slots)");
        check(pooledCrowd, "500 pooled clients");
        assertThat(pooledCrowd.failed()).as(pooledCrowd.output()).isZero();
        assertThat(pooledCrowd.count(Pgbench.PROCESSED)).isPositive();
        assertThat(pooledCrowd.output()).contains("number of clients: 500");
      }
    }
  }

  private static Run pgbench(String pgbench, int port, String password, String... args) {
    return pgbench(pgbench, port, password, List.of(args));
  }

  private static Run pgbench(String pgbench, int port, String password, List<String> args) {
    return Pgbench.run(pgbench, "127.0.0.1", port, USER, DATABASE, Map.of("PGPASSWORD", password), args);
  }

  private static void check(Run run, String what) {
    assertThat(run.exit()).as(what + ":\n" + run.output()).isZero();
  }

  private static int freePortFrom(int start) {
    for (int port = start; port < start + 100; port++) {
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException busy) {
        // try the next one
      }
    }
    throw new IllegalStateException("no free loopback port in " + start + ".." + (start + 99));
  }
}
