package io.tradingdb.operator.testsupport;

import io.tradingdb.operator.postgres.SqlQuote;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * A PostgreSQL a test uses as superuser, without TLS: the host's ({@link TestPostgres#server()}) or
 * one in a pod on the real node ({@link RealNodePostgres}). A test written against this interface
 * runs unchanged against either.
 */
public interface PostgresServer {

  String host();

  int port();

  String adminUser();

  String adminPassword();

  default String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  default Connection connect(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "10");
    props.setProperty("sslmode", "disable");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  default Connection connectAsAdmin(String database) throws SQLException {
    return connect(database, adminUser(), adminPassword());
  }

  /** Creates an empty database with a unique name for one test class and returns its name. */
  default String createDatabase(String prefix) throws SQLException {
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    try (Connection c = connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + SqlQuote.identifier(name));
    }
    return name;
  }

  default void dropDatabase(String name) throws SQLException {
    try (Connection c = connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + SqlQuote.identifier(name) + " WITH (FORCE)");
    }
  }
}
