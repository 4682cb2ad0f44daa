package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The least-privilege login pgBouncer uses for {@code auth_query}: a role that can do nothing but
 * call one SECURITY DEFINER function returning a user's SCRAM verifier. Superusers, replication
 * roles and the lookup logins themselves are never returned, so nobody reaches such a session
 * through the pooler's lookup.
 *
 * <p>There are two such logins, {@link #ROLE} and {@link #ALTERNATE}, and pgBouncer uses one at a
 * time. A password rotation gives the unused one a new password, then moves pgBouncer to it, and
 * only once every pgBouncer has moved takes the old one's password away ({@link #retire}): the
 * login pgBouncer uses never has a password it does not know, so no client login is refused while
 * kubelet delivers the new file.
 */
public final class PoolerAuthSetup {

  public static final String ROLE = "tradingdb_pooler";
  public static final String ALTERNATE = "tradingdb_pooler_alt";
  public static final List<String> ROLES = List.of(ROLE, ALTERNATE);
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

  /** The lookup login a rotation moves pgBouncer to from {@code role}. */
  public static String other(String role) {
    return ROLE.equals(role) ? ALTERNATE : ROLE;
  }

  /** Whether {@code role} is one of the two lookup logins (anything else in a Secret is refused). */
  public static boolean isLookupLogin(String role) {
    return ROLES.contains(role);
  }

  /** @param existing which of {@link #ROLES} exist already */
  public static Plan plan(String database, Set<String> existing) {
    String schema = SqlQuote.identifier(SCHEMA);
    String function = SqlQuote.qualified(SCHEMA, FUNCTION) + "(text)";
    List<String> statements = new ArrayList<>();
    for (String login : ROLES) {
      statements.add(ServiceRoles.createOrAlter(login, existing.contains(login), ServiceRoles.LOGIN_ONLY));
      statements.add("GRANT CONNECT ON DATABASE " + SqlQuote.identifier(database) + " TO " + SqlQuote.identifier(login));
    }
    statements.add("CREATE SCHEMA IF NOT EXISTS " + schema);
    statements.add("REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC");
    for (String login : ROLES) {
      statements.add("GRANT USAGE ON SCHEMA " + schema + " TO " + SqlQuote.identifier(login));
    }
    // search_path is pinned so a caller cannot shadow pg_shadow with an object of its own.
    statements.add(
        "CREATE OR REPLACE FUNCTION " + SqlQuote.qualified(SCHEMA, FUNCTION)
            + "(i_username text) RETURNS TABLE (uname text, phash text)"
            + " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS "
            + SqlQuote.literal(
                "SELECT usename::text, passwd::text FROM pg_catalog.pg_shadow"
                    + " WHERE usename = $1 AND NOT usesuper AND NOT userepl AND usename NOT IN ("
                    + String.join(", ", ROLES.stream().map(SqlQuote::literal).toList()) + ")"));
    statements.add("REVOKE ALL ON FUNCTION " + function + " FROM PUBLIC");
    for (String login : ROLES) {
      statements.add("GRANT EXECUTE ON FUNCTION " + function + " TO " + SqlQuote.identifier(login));
    }
    return new Plan(statements);
  }

  /**
   * Runs the plan on {@code admin}, a superuser session on the application database, and sets the
   * password of {@code login}, the lookup login pgBouncer uses; the other one's is left alone.
   */
  public static Plan apply(Connection admin, String database, String login, String password) throws SQLException {
    if (!isLookupLogin(login)) {
      throw new IllegalArgumentException("'" + login + "' is not a lookup login of the pooler");
    }
    Plan plan = ensure(admin, database);
    ServiceRoles.run(admin, List.of(), login, password);
    return plan;
  }

  /** Creates both lookup logins and the lookup function, or brings them up to date; sets no password. */
  public static Plan ensure(Connection admin, String database) throws SQLException {
    Set<String> existing = new java.util.HashSet<>();
    for (String login : ROLES) {
      if (ServiceRoles.exists(admin, login)) {
        existing.add(login);
      }
    }
    Plan plan = plan(database, existing);
    PlanExecutor.inTransaction(admin, c -> {
      try (java.sql.Statement statement = c.createStatement()) {
        for (String sql : plan.statements()) {
          statement.execute(sql);
        }
      }
    });
    return plan;
  }

  /** Takes the password of a lookup login pgBouncer no longer uses, so it cannot log in. */
  public static PlannedStatement retire(String login) {
    if (!isLookupLogin(login)) {
      throw new IllegalArgumentException("'" + login + "' is not a lookup login of the pooler");
    }
    return PlannedStatement.of("ALTER ROLE " + SqlQuote.identifier(login) + " WITH PASSWORD NULL");
  }
}
