package io.tradingdb.operator.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The real PostgreSQL that testenv/postgres.sh starts on loopback. Tests that need it fail (never
 * skip) when it is not there: run them through testenv/test.sh, which starts it.
 */
public final class TestPostgres {

  private TestPostgres() {}

  public static String host() {
    return require("TRADINGDB_TEST_PG_HOST");
  }

  public static int port() {
    return Integer.parseInt(require("TRADINGDB_TEST_PG_PORT"));
  }

  public static String adminUser() {
    return require("TRADINGDB_TEST_PG_USER");
  }

  /** The superuser password, read from the 0600 file testenv/postgres.sh wrote. */
  public static String adminPassword() {
    try {
      return Files.readString(Path.of(require("TRADINGDB_TEST_PG_PASSWORD_FILE"))).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the test PostgreSQL password file", e);
    }
  }

  public static String jdbcUrl(String database) {
    return server().jdbcUrl(database);
  }

  public static Connection connect(String database, String user, String password)
      throws SQLException {
    return server().connect(database, user, password);
  }

  public static Connection connectAsAdmin(String database) throws SQLException {
    return server().connectAsAdmin(database);
  }

  /** Creates an empty database with a unique name for one test class and returns its name. */
  public static String createDatabase(String prefix) throws SQLException {
    return server().createDatabase(prefix);
  }

  public static void dropDatabase(String name) throws SQLException {
    server().dropDatabase(name);
  }

  /** This PostgreSQL as a {@link PostgresServer}, for tests that also run against a pod's. */
  public static PostgresServer server() {
    return HOST;
  }

  private static final PostgresServer HOST = new PostgresServer() {
    @Override
    public String host() {
      return TestPostgres.host();
    }

    @Override
    public int port() {
      return TestPostgres.port();
    }

    @Override
    public String adminUser() {
      return TestPostgres.adminUser();
    }

    @Override
    public String adminPassword() {
      return TestPostgres.adminPassword();
    }
  };

  private static String require(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          variable + " is not set: this test needs the real PostgreSQL that testenv/postgres.sh "
              + "starts; run the suite with testenv/test.sh");
    }
    return value;
  }
}
