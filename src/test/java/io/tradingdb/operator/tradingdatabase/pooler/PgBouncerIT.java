package io.tradingdb.operator.tradingdatabase.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated pgbouncer.ini and auth_query setup, run by Debian's pgBouncer in front of the test
 * PostgreSQL: SCRAM logins through the lookup function, transaction pooling, and a reload that
 * keeps a client (even one inside a transaction) connected.
 */
class PgBouncerIT {

  private static final String APP_USER = "trader";
  private static String database;
  private static String appPassword;
  private static String lookupPassword;
  private static LocalPgBouncer bouncer;

  @BeforeAll
  static void startPooler() throws SQLException {
    database = TestPostgres.createDatabase("pooler");
    appPassword = LocalProcesses.randomPassword();
    lookupPassword = LocalProcesses.randomPassword();
    try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
      PoolerAuthSetup.apply(admin, database, PoolerAuthSetup.ROLE, lookupPassword);
      LocalPostgres.createLogin(admin, APP_USER, appPassword);
      s.execute("GRANT CONNECT ON DATABASE " + SqlQuote.identifier(database) + " TO " + SqlQuote.identifier(APP_USER));
      s.execute("CREATE TABLE fills (id bigserial PRIMARY KEY, symbol text NOT NULL)");
      s.execute("GRANT SELECT, INSERT ON fills TO " + SqlQuote.identifier(APP_USER));
      s.execute("GRANT USAGE ON SEQUENCE fills_id_seq TO " + SqlQuote.identifier(APP_USER));
    }
    bouncer = LocalPgBouncer.start(model(2), TestPostgres.host(), TestPostgres.port(), lookupPassword);
  }

  @AfterAll
  static void stop() throws SQLException {
    if (bouncer != null) {
      bouncer.close();
    }
    TestPostgres.dropDatabase(database);
  }

  /** The cluster as the operator would see it, with a small pool so pooling is observable. */
  private static ClusterModel model(int defaultPoolSize) {
    return TestClusters.model("test", "it", """
          databaseName: %s
          tls: {enabled: false}
          pooler: {enabled: true, defaultPoolSize: %d, reservePoolSize: 0}
        """.formatted(database, defaultPoolSize));
  }

  @Test
  void applicationUserLogsInWithScramThroughTheLookupFunction() throws SQLException {
    try (Connection c = bouncer.connect(database, APP_USER, appPassword); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT current_user, current_database()");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(APP_USER);
      assertThat(rs.getString(2)).isEqualTo(database);
    }
    try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
      ResultSet rs = s.executeQuery(
          "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = " + SqlQuote.literal(APP_USER));
      rs.next();
      assertThat(rs.getBoolean(1)).as("the application password is stored as a SCRAM verifier").isTrue();
    }
    assertThatThrownBy(() -> bouncer.connect(database, APP_USER, appPassword + "x").close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void superusersCannotLogInThroughThePooler() {
    assertThatThrownBy(() -> bouncer.connect(database, TestPostgres.adminUser(), TestPostgres.adminPassword()).close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void lookupLoginCanReadNothingButTheFunction() throws SQLException {
    try (Connection c = TestPostgres.connect(database, PoolerAuthSetup.ROLE, lookupPassword);
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM pg_catalog.pg_shadow"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM public.fills"))
          .hasMessageContaining("permission denied");
      ResultSet superuser = s.executeQuery("SELECT count(*) FROM tradingdb_pooler.user_lookup("
          + SqlQuote.literal(TestPostgres.adminUser()) + ")");
      superuser.next();
      assertThat(superuser.getInt(1)).as("superusers are never returned").isZero();
      ResultSet app = s.executeQuery(
          "SELECT phash FROM tradingdb_pooler.user_lookup(" + SqlQuote.literal(APP_USER) + ")");
      assertThat(app.next()).isTrue();
      assertThat(app.getString(1)).startsWith("SCRAM-SHA-256$");
    }
  }

  @Test
  void transactionPoolingServesTenClientsWithTwoServerConnections() throws SQLException {
    List<Connection> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Connection c = bouncer.connect(database, APP_USER, appPassword);
        clients.add(c);
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO fills (symbol) VALUES ('ES')");
        }
      }
      // In session mode the third client would wait forever for one of two server connections.
      try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = "
            + SqlQuote.literal(APP_USER) + " AND datname = " + SqlQuote.literal(database));
        rs.next();
        assertThat(rs.getInt(1)).isBetween(1, 2);
      }
      assertThat(show("POOLS", APP_USER)).containsEntry("pool_mode", "transaction");
    } finally {
      for (Connection c : clients) {
        c.close();
      }
    }
  }

  @Test
  void configChangeIsReloadedWithoutDroppingAClientInATransaction() throws Exception {
    try (Connection client = bouncer.connect(database, APP_USER, appPassword); Statement s = client.createStatement()) {
      client.setAutoCommit(false);
      s.execute("INSERT INTO fills (symbol) VALUES ('NQ')");
      int pid = backendPid(s);

      bouncer.rewriteConfig(model(3));
      await("pgBouncer reloads default_pool_size = 3")
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> "3".equals(show("DATABASES", null).get("pool_size")));
      assertThat(bouncer.log()).contains("configuration changed, reloading");

      s.execute("INSERT INTO fills (symbol) VALUES ('NQ')");
      assertThat(backendPid(s)).as("same server session across the reload").isEqualTo(pid);
      client.commit();
      ResultSet rs = s.executeQuery("SELECT count(*) FROM fills WHERE symbol = 'NQ'");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
      client.commit();
    } finally {
      bouncer.rewriteConfig(model(2));
    }
  }

  @Test
  void sigtermLetsATransactionInProgressFinish() throws Exception {
    try (LocalPgBouncer stopping =
            LocalPgBouncer.start(model(2), TestPostgres.host(), TestPostgres.port(), lookupPassword);
        Connection client = stopping.connect(database, APP_USER, appPassword);
        Statement s = client.createStatement()) {
      client.setAutoCommit(false);
      s.execute("INSERT INTO fills (symbol) VALUES ('CL')");
      stopping.terminate();
      // pgBouncer has taken the safe-shutdown signal; an exit would follow it, not precede it.
      await("pgBouncer logs the shutdown request").atMost(Duration.ofSeconds(15))
          .until(() -> stopping.log().contains("got SIGINT, shutting down"));
      assertThat(stopping.running()).as("pgBouncer waits for the open transaction").isTrue();
      s.execute("INSERT INTO fills (symbol) VALUES ('CL')");
      client.commit();
      await("pgBouncer exits once the transaction is done")
          .atMost(Duration.ofSeconds(15))
          .until(() -> !stopping.running());
    }
    try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM fills WHERE symbol = 'CL'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("both statements of the transaction committed").isEqualTo(2);
    }
  }

  private static int backendPid(Statement s) throws SQLException {
    ResultSet rs = s.executeQuery("SELECT pg_backend_pid()");
    rs.next();
    return rs.getInt(1);
  }

  /**
   * The row for the test database of SHOW POOLS or SHOW DATABASES on the admin console, read as
   * the stats-only lookup login the exporter uses.
   */
  private static Map<String, String> show(String what, String user) {
    // The first column is the database: "database" in SHOW POOLS, "name" in SHOW DATABASES.
    return bouncer.show(what, PoolerAuthSetup.ROLE, lookupPassword).stream()
        .filter(row -> database.equals(row.values().iterator().next()))
        .filter(row -> user == null || user.equals(row.get("user")))
        .findFirst()
        .orElse(Map.of());
  }
}
