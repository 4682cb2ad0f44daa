package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Runs a plan in one transaction: all statements take effect, or none. */
public final class PlanExecutor {

  private PlanExecutor() {}

  /**
   * @return the number of statements executed (0 for an empty plan, which opens no transaction)
   * @throws PlanFailedException naming the (redacted) statement that failed; nothing was applied
   */
  public static int execute(Connection connection, SqlPlan plan) throws SQLException {
    if (plan.isEmpty()) {
      return 0;
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (PlannedStatement planned : plan.statements()) {
        try {
          statement.execute(planned.sql());
        } catch (SQLException e) {
          rollbackQuietly(connection);
          throw new PlanFailedException(planned, e);
        }
      }
      connection.commit();
      return plan.size();
    } finally {
      if (!connection.isClosed()) {
        connection.setAutoCommit(autoCommit);
      }
    }
  }

  /** Work on one connection that {@link #inTransaction} commits whole or rolls back. */
  @FunctionalInterface
  public interface Work {
    void run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  public static void inTransaction(Connection connection, Work work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      work.run(connection);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(connection);
      throw e;
    } finally {
      if (!connection.isClosed()) {
        connection.setAutoCommit(autoCommit);
      }
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The connection broke; the server rolls the transaction back on its own.
    }
  }

  /** A statement of a plan failed; carries its SQLSTATE and the redacted statement. */
  public static final class PlanFailedException extends SQLException {
    private final transient PlannedStatement statement;

    PlanFailedException(PlannedStatement statement, SQLException cause) {
      // PostgreSQL's Detail, Hint and Where lines stay in the cause (and the log), not in the status.
      super(String.valueOf(cause.getMessage()).strip().lines().findFirst().orElse("") + " (in: "
          + statement.description() + ")", cause.getSQLState(), cause);
      this.statement = statement;
    }

    public PlannedStatement statement() {
      return statement;
    }
  }
}
