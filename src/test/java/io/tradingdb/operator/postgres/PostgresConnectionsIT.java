package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's connection pool, catalog reader and plan executor against the real server. */
class PostgresConnectionsIT {

  private static String database;
  private static PostgresConnections connections;

  @BeforeAll
  static void setUp() throws SQLException {
    database = TestPostgres.createDatabase("pgconn_it");
    connections = new PostgresConnections(new PostgresConnections.Settings(
        Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(1), 2, Duration.ofMinutes(1)));
  }

  @AfterAll
  static void tearDown() throws SQLException {
    connections.close();
    TestPostgres.dropDatabase(database);
  }

  private static ConnectionTarget target(String db, int port) {
    return new ConnectionTarget(TestPostgres.host(), port, db, "disable", "unused", "username", "password",
        null, null, null, 0);
  }

  private static PostgresCredentials admin() {
    return new PostgresCredentials(TestPostgres.adminUser(), TestPostgres.adminPassword());
  }

  @Test
  void connectionsAreNamedReusedAndReplacedWhenBroken() throws SQLException {
    int firstPid;
    try (PooledConnection c = connections.open(target(database, TestPostgres.port()), admin(), null)) {
      assertThat(query(c.jdbc(), "SELECT current_setting('application_name')")).isEqualTo("tradingdb-operator");
      assertThat(query(c.jdbc(), "SELECT current_setting('lock_timeout')")).isEqualTo("1s");
      firstPid = Integer.parseInt(query(c.jdbc(), "SELECT pg_backend_pid()"));
    }
    try (PooledConnection c = connections.open(target(database, TestPostgres.port()), admin(), null)) {
      assertThat(Integer.parseInt(query(c.jdbc(), "SELECT pg_backend_pid()"))).isEqualTo(firstPid);
    }
    try (Connection killer = TestPostgres.connectAsAdmin(database); Statement s = killer.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + firstPid + ")");
    }
    try (PooledConnection c = connections.open(target(database, TestPostgres.port()), admin(), null)) {
      assertThat(Integer.parseInt(query(c.jdbc(), "SELECT pg_backend_pid()"))).isNotEqualTo(firstPid);
    }
  }

  @Test
  void sessionsWithoutStandardConformingStringsAreRefused() throws SQLException {
    String legacy = TestPostgres.createDatabase("pgconn_legacy");
    try {
      try (Connection c = TestPostgres.connectAsAdmin(legacy); Statement s = c.createStatement()) {
        s.execute("ALTER DATABASE " + SqlQuote.identifier(legacy) + " SET standard_conforming_strings = off");
      }
      assertThatThrownBy(() -> connections.open(target(legacy, TestPostgres.port()), admin(), null).close())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("standard_conforming_strings");
    } finally {
      TestPostgres.dropDatabase(legacy);
    }
  }

  @Test
  void anUnreachableServerFailsFastAsUnreachableAndWrongPasswordsAsPermissionDenied() {
    assertThatThrownBy(() -> connections.open(target(database, 1), admin(), null))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(SqlFailure.classify(e)).isEqualTo(SqlFailure.UNREACHABLE));
    assertThatThrownBy(() -> connections.open(target(database, TestPostgres.port()),
        new PostgresCredentials(TestPostgres.adminUser(), "wrong"), null))
        .isInstanceOfSatisfying(SQLException.class,
            e -> assertThat(SqlFailure.classify(e)).isEqualTo(SqlFailure.PERMISSION_DENIED));
  }

  @Test
  void aFailingPlanLeavesNothingBehind() throws SQLException {
    try (PooledConnection c = connections.open(target(database, TestPostgres.port()), admin(), null)) {
      SqlPlan plan = new SqlPlan(List.of(
          RoleSql.createRole("half_done_" + database, RoleAttributes.application(false, true, -1, null), null),
          RoleSql.grant(ObjectRef.table("public", "no_such_table"), List.of("SELECT"), "half_done_" + database)));
      assertThatThrownBy(() -> PlanExecutor.execute(c.jdbc(), plan))
          .isInstanceOfSatisfying(PlanExecutor.PlanFailedException.class, e -> {
            assertThat(SqlFailure.classify(e)).isEqualTo(SqlFailure.OBJECT_MISSING);
            assertThat(e.statement().description()).contains("no_such_table");
          });
      assertThat(query(c.jdbc(), "SELECT count(*) FROM pg_roles WHERE rolname = 'half_done_" + database + "'"))
          .isEqualTo("0");
      assertThat(c.jdbc().getAutoCommit()).isTrue();
    }
  }

  @Test
  void theCatalogSnapshotOfAMissingRoleIsEmptyButKnowsTheSchemas() throws SQLException {
    try (PooledConnection c = connections.open(target(database, TestPostgres.port()), admin(), null)) {
      CatalogSnapshot snapshot = RoleCatalog.read(c.jdbc(), "nobody_" + database, List.of("public", "absent"),
          List.of(TestPostgres.adminUser(), "ghost_" + database));
      assertThat(snapshot.role()).isEmpty();
      assertThat(snapshot.database()).isEqualTo(database);
      assertThat(snapshot.currentUserSuperuser()).isTrue();
      assertThat(snapshot.schemas()).containsOnlyKeys("public");
      assertThat(snapshot.existingRoles()).containsExactly(TestPostgres.adminUser());
    }
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
