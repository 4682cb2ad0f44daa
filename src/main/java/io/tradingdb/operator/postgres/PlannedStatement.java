package io.tradingdb.operator.postgres;

/**
 * One SQL statement of a plan. {@code description} is what logs, Events and tests may show: it
 * equals {@code sql} except that a password hash is replaced by a marker.
 */
public record PlannedStatement(String sql, String description) {

  public static PlannedStatement of(String sql) {
    return new PlannedStatement(sql, sql);
  }

  @Override
  public String toString() {
    return description;
  }
}
