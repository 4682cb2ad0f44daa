package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/** Shared steps for the operator's own service logins (pooler lookup, metrics exporter). */
final class ServiceRoles {

  static final String LOGIN_ONLY =
      " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS";

  private ServiceRoles() {}

  static String createOrAlter(String role, boolean exists, String attributes) {
    return (exists ? "ALTER ROLE " : "CREATE ROLE ") + SqlQuote.identifier(role) + attributes;
  }

  static boolean exists(Connection connection, String role) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?")) {
      statement.setString(1, role);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  /**
   * Runs {@code statements} and sets {@code role}'s password in one transaction. The driver hashes
   * the password to SCRAM client-side, so it never travels or logs in clear.
   */
  static void run(Connection admin, List<String> statements, String role, String password)
      throws SQLException {
    PlanExecutor.inTransaction(admin, c -> {
      try (Statement statement = c.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
      c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
    });
  }
}
