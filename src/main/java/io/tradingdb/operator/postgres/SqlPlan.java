package io.tradingdb.operator.postgres;

import java.util.List;

/** Statements to run, in order, in one transaction. An empty plan means nothing differs. */
public record SqlPlan(List<PlannedStatement> statements) {

  public SqlPlan {
    statements = List.copyOf(statements);
  }

  public static SqlPlan empty() {
    return new SqlPlan(List.of());
  }

  public boolean isEmpty() {
    return statements.isEmpty();
  }

  public int size() {
    return statements.size();
  }

  /** The statements as logs and tests see them (password hashes redacted). */
  public List<String> descriptions() {
    return statements.stream().map(PlannedStatement::description).toList();
  }
}
