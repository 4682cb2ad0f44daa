package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
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

  /**
   * Runs the plan in one transaction: every role gets its new password, or none does. A failure
   * names the (redacted) statement.
   */
  public static void apply(Connection admin, List<PlannedStatement> plan) throws SQLException {
    PlanExecutor.execute(admin, new SqlPlan(plan));
  }
}
