package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The least-privilege login pgBouncer uses for {@code auth_query}: a role that can do nothing but
 * call one SECURITY DEFINER function returning a user's SCRAM verifier. Superusers are never
 * returned, so nobody reaches a superuser session through the pooler.
 */
public final class PoolerAuthSetup {

  public static final String ROLE = "tradingdb_pooler";
  public static final String SCHEMA = "tradingdb_pooler";
  public static final String FUNCTION = "user_lookup";

  /** The statements, in order, for one database; they are idempotent. */
  public record Plan(List<String> statements) {
    public Plan {
      statements = List.copyOf(statements);
    }
  }

  private PoolerAuthSetup() {}

  /** What pgBouncer's {@code auth_query} runs; {@code $1} is the user name from the client. */
  public static String authQuery() {
    return "SELECT uname, phash FROM " + SqlQuote.qualified(SCHEMA, FUNCTION) + "($1)";
  }

  public static Plan plan(String database, boolean roleExists) {
    String role = SqlQuote.identifier(ROLE);
    String schema = SqlQuote.identifier(SCHEMA);
    String function = SqlQuote.qualified(SCHEMA, FUNCTION) + "(text)";
    List<String> statements = new ArrayList<>();
    statements.add(ServiceRoles.createOrAlter(ROLE, roleExists, ServiceRoles.LOGIN_ONLY));
    statements.add("GRANT CONNECT ON DATABASE " + SqlQuote.identifier(database) + " TO " + role);
    statements.add("CREATE SCHEMA IF NOT EXISTS " + schema);
    statements.add("REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC");
    statements.add("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
    // search_path is pinned so a caller cannot shadow pg_shadow with an object of its own.
    statements.add(
        "CREATE OR REPLACE FUNCTION " + SqlQuote.qualified(SCHEMA, FUNCTION)
            + "(i_username text) RETURNS TABLE (uname text, phash text)"
            + " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS "
            + SqlQuote.literal(
                "SELECT usename::text, passwd::text FROM pg_catalog.pg_shadow"
                    + " WHERE usename = $1 AND NOT usesuper AND NOT userepl"));
    statements.add("REVOKE ALL ON FUNCTION " + function + " FROM PUBLIC");
    statements.add("GRANT EXECUTE ON FUNCTION " + function + " TO " + role);
    return new Plan(statements);
  }

  /** Runs the plan on {@code admin}, a superuser session on the application database. */
  public static Plan apply(Connection admin, String database, String password) throws SQLException {
    Plan plan = plan(database, ServiceRoles.exists(admin, ROLE));
    ServiceRoles.run(admin, plan.statements(), ROLE, password);
    return plan;
  }
}
