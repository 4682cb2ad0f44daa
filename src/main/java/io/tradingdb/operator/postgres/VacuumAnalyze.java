package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The guide's weekly VACUUM ANALYZE, one table at a time so one locked or failing table does not
 * stop the rest. TimescaleDB's internal chunk tables are reached through their hypertables.
 */
public final class VacuumAnalyze {

  public record Table(String schema, String name) {}

  public record Plan(List<String> statements) {
    public Plan {
      statements = List.copyOf(statements);
    }
  }

  /** What happened; {@link #summary()} is short enough for status. */
  public record Result(Instant startedAt, Duration duration, int tables, List<String> failures) {
    public boolean succeeded() {
      return failures.isEmpty();
    }

    public String summary() {
      String outcome = succeeded()
          ? "succeeded on " + tables + " tables"
          : "failed on " + failures.size() + " of " + tables + " tables (first: " + failures.get(0) + ")";
      return startedAt + " " + outcome + " in " + duration.toSeconds() + "s";
    }
  }

  private VacuumAnalyze() {}

  public static Plan plan(List<Table> tables) {
    return new Plan(tables.stream()
        .map(t -> "VACUUM (ANALYZE) " + SqlQuote.qualified(t.schema(), t.name()))
        .toList());
  }

  public static List<Table> tables(Connection connection) throws SQLException {
    List<Table> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT schemaname, relname FROM pg_catalog.pg_stat_user_tables"
                + " WHERE left(schemaname, 12) <> '_timescaledb' ORDER BY schemaname, relname")) {
      while (rs.next()) {
        tables.add(new Table(rs.getString(1), rs.getString(2)));
      }
    }
    return tables;
  }

  /** Runs the plan; VACUUM cannot run inside a transaction, so the session is put in autocommit. */
  public static Result run(Connection connection, Clock clock) throws SQLException {
    Instant start = clock.instant();
    Plan plan = plan(tables(connection));
    connection.setAutoCommit(true);
    List<String> failures = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      for (String sql : plan.statements()) {
        try {
          statement.execute(sql);
        } catch (SQLException e) {
          failures.add(sql.substring("VACUUM (ANALYZE) ".length()) + ": " + e.getMessage());
        }
      }
    }
    return new Result(start, Duration.between(start, clock.instant()), plan.statements().size(),
        List.copyOf(failures));
  }
}
