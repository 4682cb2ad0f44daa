package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tradingdb.operator.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** status.health numbers against what the database itself says, and the VACUUM ANALYZE runner. */
class HealthCheckIT {

  private static String database;

  @BeforeAll
  static void create() throws SQLException {
    database = TestPostgres.createDatabase("health");
    try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, account text, symbol text, qty int)");
      s.execute("INSERT INTO orders SELECT g, 'acct' || (g % 10), 'ES', g FROM generate_series(1, 2000) g");
    }
  }

  @AfterAll
  static void drop() throws SQLException {
    TestPostgres.dropDatabase(database);
  }

  @Test
  void valuesMatchTheDatabase() throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      HealthCheck.Result health = HealthCheck.run(c);
      assertThat(health.maxConnections()).isEqualTo(intValue(s, "SELECT current_setting('max_connections')::int"));
      assertThat(health.connections()).isBetween(1,
          intValue(s, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'") + 2);
      long size = longValue(s, "SELECT pg_database_size(current_database())");
      assertThat(health.databaseSizeBytes()).isBetween(size - 1_048_576, size + 1_048_576);
      assertThat(health.cacheHitRatio()).isBetween(0.0, 1.0);
      assertThat(health.longestQuerySeconds()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void unusedAndDuplicateIndexCountsFollowTheIndexes() throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      HealthCheck.Result before = HealthCheck.run(c);

      s.execute("CREATE INDEX orders_account ON orders (account)");
      HealthCheck.Result unused = HealthCheck.run(c);
      assertThat(unused.unusedIndexes()).isEqualTo(before.unusedIndexes() + 1);
      assertThat(unused.duplicateIndexes()).isEqualTo(before.duplicateIndexes());

      s.execute("CREATE INDEX orders_account_again ON orders (account)");
      HealthCheck.Result duplicate = HealthCheck.run(c);
      assertThat(duplicate.duplicateIndexes()).isEqualTo(before.duplicateIndexes() + 1);
      assertThat(duplicate.unusedIndexes()).isEqualTo(before.unusedIndexes() + 2);

      // A partial index with another predicate is a different index, not a duplicate.
      s.execute("CREATE INDEX orders_account_big ON orders (account) WHERE qty > 1000");
      assertThat(HealthCheck.run(c).duplicateIndexes()).isEqualTo(before.duplicateIndexes() + 1);

      s.execute("DROP INDEX orders_account_again");
      s.execute("DROP INDEX orders_account_big");
      s.execute("SET enable_seqscan = off");
      s.executeQuery("SELECT * FROM orders WHERE account = 'acct3'").close();
      s.execute("RESET enable_seqscan");
      // Index scans reach the statistics views asynchronously (at transaction end, flushed within a second).
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
          .until(() -> HealthCheck.run(c).unusedIndexes() == before.unusedIndexes());
      s.execute("DROP INDEX orders_account");
    }
  }

  @Test
  void longestQueryAgeSeesARunningStatement() throws Exception {
    try (Connection sleeper = TestPostgres.connectAsAdmin(database);
        Connection c = TestPostgres.connectAsAdmin(database)) {
      CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
        try (Statement s = sleeper.createStatement()) {
          s.execute("SELECT pg_sleep(3)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
          .until(() -> HealthCheck.run(c).longestQuerySeconds() >= 1);
      running.join();
    }
  }

  @Test
  void blockedSessionsAndIdleTransactionsAreSeen() throws Exception {
    try (Connection holder = TestPostgres.connectAsAdmin(database); Statement h = holder.createStatement();
        Connection waiter = TestPostgres.connectAsAdmin(database);
        Connection c = TestPostgres.connectAsAdmin(database)) {
      assertThat(HealthCheck.run(c).blockedSessions()).isZero();
      h.execute("CREATE TABLE locked (id int)");
      holder.setAutoCommit(false);
      h.execute("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
      // Its own thread: the common pool may have a single thread on a small machine.
      java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
      java.util.concurrent.Future<?> blocked = thread.submit(() -> {
        try (Statement s = waiter.createStatement()) {
          s.execute("SELECT count(*) FROM locked");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      thread.shutdown();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        HealthCheck.Result r = HealthCheck.run(c);
        assertThat(r.blockedSessions()).isEqualTo(1);
        // The lock holder is idle inside its transaction meanwhile.
        assertThat(r.idleInTransactionSeconds()).isGreaterThanOrEqualTo(1);
      });
      holder.commit();
      blocked.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(HealthCheck.run(c).blockedSessions()).isZero();
      assertThat(HealthCheck.run(c).transactionIdAge()).isPositive();
      // Other tests here count the database's tables.
      h.execute("DROP TABLE locked");
      holder.commit();
    }
  }

  @Test
  void vacuumAnalyzeRunsEveryUserTable() throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE \"Odd \"\"Name\" (id int)");
      VacuumAnalyze.Result result = VacuumAnalyze.run(c, Clock.systemUTC());
      assertThat(result.succeeded()).as(result.summary()).isTrue();
      assertThat(result.tables()).isEqualTo(2);
      assertThat(result.summary()).contains("succeeded on 2 tables");
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() ->
          longValue(s, "SELECT count(*) FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL"
              + " AND last_analyze IS NOT NULL") == 2);
      s.execute("DROP TABLE \"Odd \"\"Name\"");
    }
  }

  private static int intValue(Statement s, String sql) throws SQLException {
    return (int) longValue(s, sql);
  }

  private static long longValue(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
