package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The login the postgres_exporter sidecar uses: member of the built-in {@code pg_monitor} role
 * (reads statistics views and sizes, no table data), plus pg_stat_statements in the database.
 */
public final class MonitoringRoleSetup {

  public static final String ROLE = "tradingdb_monitor";

  /** The statements, in order; they are idempotent. */
  public record Plan(List<String> statements) {
    public Plan {
      statements = List.copyOf(statements);
    }
  }

  private MonitoringRoleSetup() {}

  public static Plan plan(String database, boolean roleExists) {
    String role = SqlQuote.identifier(ROLE);
    // INHERIT (unlike the other service logins) so pg_monitor's privileges apply without SET ROLE.
    String attributes = ServiceRoles.LOGIN_ONLY.replace("NOINHERIT", "INHERIT") + " CONNECTION LIMIT 5";
    return new Plan(List.of(
        ServiceRoles.createOrAlter(ROLE, roleExists, attributes),
        "GRANT pg_monitor TO " + role,
        // Size functions lock each table: behind an ALTER TABLE the exporter would hang its whole
        // scrape (and every alert with it) instead of failing that one query.
        "ALTER ROLE " + role + " SET lock_timeout = '100ms'",
        "GRANT CONNECT ON DATABASE " + SqlQuote.identifier(database) + " TO " + role,
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
  }

  /** Runs the plan on {@code admin}, a superuser session on the application database. */
  public static Plan apply(Connection admin, String database, String password) throws SQLException {
    Plan plan = plan(database, ServiceRoles.exists(admin, ROLE));
    ServiceRoles.run(admin, plan.statements(), ROLE, password);
    return plan;
  }
}
