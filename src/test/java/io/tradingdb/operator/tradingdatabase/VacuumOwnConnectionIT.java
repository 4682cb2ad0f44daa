package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.postgres.AdminConnection;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.postgres.PooledConnection;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.PostgresCredentials;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The weekly VACUUM ANALYZE of a production cluster on a table whose VACUUM takes longer than the
 * operator pool's socket timeout (shrunk to 2 s here; 60 s in production; the table is slowed with
 * vacuum_cost_delay rather than made huge): on a pooled connection it is cut off, on its own
 * connection it finishes, and status and metrics carry the result and duration.
 */
@EnableKubernetesMockClient(crud = true)
class VacuumOwnConnectionIT {

  static final Duration POOL_TIMEOUT = Duration.ofSeconds(2);

  static KubernetesClient client;
  static String database;
  static final PostgresConnections connections = new PostgresConnections(new PostgresConnections.Settings(
      Duration.ofSeconds(5), POOL_TIMEOUT, Duration.ofSeconds(10), 3, Duration.ofMinutes(5)));

  @BeforeAll
  static void createSlowTable() throws Exception {
    database = TestPostgres.createDatabase("vacuum");
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      // Every page VACUUM touches costs a sleep: a small table's VACUUM lasts several seconds.
      s.execute("ALTER DATABASE " + SqlQuote.identifier(database) + " SET vacuum_cost_delay = '10ms'");
      s.execute("ALTER DATABASE " + SqlQuote.identifier(database) + " SET vacuum_cost_limit = 1");
      s.execute("CREATE TABLE fills (id bigint, symbol text, qty int) WITH (autovacuum_enabled = false)");
    }
    fillAndDelete();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    connections.close();
    TestPostgres.dropDatabase(database);
  }

  static void fillAndDelete() throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("TRUNCATE fills");
      s.execute("INSERT INTO fills SELECT g, 'S' || (g % 50), g % 1000 FROM generate_series(1, 30000) g");
      s.execute("DELETE FROM fills WHERE id % 2 = 0");
    }
  }

  @Test
  void vacuumOutlastingThePoolTimeoutFinishesOnItsOwnConnection() throws Exception {
    AdminConnection admin = local();
    // The trigger: the same VACUUM on a pooled connection is cut off by the pool's socket timeout.
    long start = System.nanoTime();
    try (PooledConnection pooled = connections.open(admin.target(), admin.credentials(), null);
        Statement s = pooled.jdbc().createStatement()) {
      assertThatThrownBy(() -> s.execute("VACUUM (ANALYZE) fills")).isInstanceOf(SQLException.class)
          .hasMessageContaining("I/O error");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(POOL_TIMEOUT);
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      // The server-side VACUUM of the cut-off session would hold the table; end it and start over.
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'VACUUM%fills%'"
          + " AND pid <> pg_backend_pid()");
    }
    fillAndDelete();

    TradingDatabase db = Samples.tradingDatabase("trading", "vacuum");
    db.getSpec().setProfile(Profile.PRODUCTION);
    db.getSpec().setDatabaseName(database);
    db.getSpec().setMonitoring(new MonitoringSpec());
    db.getSpec().getMonitoring().setEnabled(false);
    db.getSpec().setPooler(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PoolerSpec());
    db.getSpec().getPooler().setEnabled(false);
    // Created three weeks ago: the production profile's weekly run is due.
    db.getMetadata().setCreationTimestamp(Instant.now().minus(Duration.ofDays(21)).toString());
    ClusterModel model = ClusterModel.from(db);
    assertThat(model.monitoring().vacuumAnalyzeSchedule()).isEqualTo("0 4 * * 0");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DatabaseChecks checks = new DatabaseChecks(client, connections, Clock.systemUTC(), m -> admin,
        new DatabaseMetrics(registry));

    io.tradingdb.operator.tradingdatabase.status.CheckOutcome outcome = checks.run(db, model, null);
    assertThat(outcome.error()).isNull();
    String summary = outcome.health().getLastVacuum();
    assertThat(summary).contains("succeeded on 1 tables");
    Matcher took = Pattern.compile(" in ([0-9]+)s$").matcher(summary);
    assertThat(took.find()).isTrue();
    assertThat(Long.parseLong(took.group(1))).isGreaterThanOrEqualTo(POOL_TIMEOUT.toSeconds());
    double seconds = registry.find(DatabaseMetrics.VACUUM_DURATION).tag("tradingdatabase", "vacuum").gauge().value();
    assertThat(seconds).isGreaterThan(POOL_TIMEOUT.toSeconds());
    assertThat(registry.find(DatabaseMetrics.VACUUM_SUCCEEDED).gauge().value()).isEqualTo(1.0);
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT n_dead_tup, last_vacuum IS NOT NULL, last_analyze IS NOT NULL"
            + " FROM pg_stat_user_tables WHERE relname = 'fills'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
      assertThat(rs.getBoolean(2)).isTrue();
      assertThat(rs.getBoolean(3)).isTrue();
    }
    System.out.printf("VACUUM ANALYZE on its own connection: %.1f s against a pool timeout of %d s%n",
        seconds, POOL_TIMEOUT.toSeconds());
  }

  static AdminConnection local() {
    return new AdminConnection(
        new ConnectionTarget(TestPostgres.host(), TestPostgres.port(), database, "disable",
            "superuser", "username", "password", null, null, null, 0),
        new PostgresCredentials(TestPostgres.adminUser(), TestPostgres.adminPassword()), null);
  }
}
