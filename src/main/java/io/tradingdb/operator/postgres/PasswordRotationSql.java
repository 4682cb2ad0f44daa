package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The statements of a password rotation: one ALTER ROLE ... PASSWORD per role, each with a
 * SCRAM-SHA-256 verifier made client-side ({@link RoleSql#setPassword}, quoted by {@link SqlQuote}),
 * so no password reaches the server, a log or the statement's description.
 */
public final class PasswordRotationSql {

  private PasswordRotationSql() {}

  /** @param passwords role name to its new password, in the order to set them */
  public static List<PlannedStatement> plan(Map<String, String> passwords) {
    return passwords.entrySet().stream()
        .map(e -> RoleSql.setPassword(e.getKey(), ScramPasswords.hash(e.getValue())))
        .toList();
  }

  /** Runs the plan in one transaction: every role gets its new password, or none does. */
  public static void apply(Connection admin, List<PlannedStatement> plan) throws SQLException {
    boolean autoCommit = admin.getAutoCommit();
    admin.setAutoCommit(false);
    try (Statement statement = admin.createStatement()) {
      for (PlannedStatement s : plan) {
        statement.execute(s.sql());
      }
      admin.commit();
    } catch (SQLException e) {
      admin.rollback();
      throw e;
    } finally {
      admin.setAutoCommit(autoCommit);
    }
  }
}
