package io.tradingdb.operator.testsupport;

import io.tradingdb.operator.postgres.SqlQuote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

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
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  public static Connection connect(String database, String user, String password)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  public static Connection connectAsAdmin(String database) throws SQLException {
    return connect(database, adminUser(), adminPassword());
  }

  /** Creates an empty database with a unique name for one test class and returns its name. */
  public static String createDatabase(String prefix) throws SQLException {
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + SqlQuote.identifier(name));
    }
    return name;
  }

  public static void dropDatabase(String name) throws SQLException {
    try (Connection c = connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + SqlQuote.identifier(name) + " WITH (FORCE)");
    }
  }

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
