package io.tradingdb.operator.postgres;

import java.time.Instant;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Builds the statements that create, alter, grant to and drop roles. Every name goes through
 * {@link SqlQuote}; privilege keywords are checked against {@link ObjectKind}'s list, so nothing
 * from a spec reaches the SQL text unquoted.
 */
public final class RoleSql {

  private static final String REDACTED_PASSWORD = "PASSWORD '<scram-sha-256 redacted>'";

  private RoleSql() {}

  /** CREATE ROLE with every managed attribute spelled out, and the SCRAM hash when given. */
  public static PlannedStatement createRole(String role, RoleAttributes attributes, String scramHash) {
    String base = "CREATE ROLE " + SqlQuote.identifier(role) + " WITH " + attributeClause(attributes);
    return withPassword(base, scramHash);
  }

  public static PlannedStatement alterRole(String role, RoleAttributes attributes) {
    return PlannedStatement.of("ALTER ROLE " + SqlQuote.identifier(role) + " WITH " + attributeClause(attributes));
  }

  /** Sets a password already hashed client-side (SCRAM-SHA-256): no plaintext reaches the server. */
  public static PlannedStatement setPassword(String role, String scramHash) {
    return withPassword("ALTER ROLE " + SqlQuote.identifier(role) + " WITH", scramHash);
  }

  public static PlannedStatement commentOnRole(String role, String comment) {
    return PlannedStatement.of(
        "COMMENT ON ROLE " + SqlQuote.identifier(role) + " IS " + SqlQuote.literal(comment));
  }

  public static PlannedStatement grantMembership(String group, String member) {
    return PlannedStatement.of("GRANT " + SqlQuote.identifier(group) + " TO " + SqlQuote.identifier(member));
  }

  public static PlannedStatement revokeMembership(String group, String member) {
    return PlannedStatement.of("REVOKE " + SqlQuote.identifier(group) + " FROM " + SqlQuote.identifier(member));
  }

  public static PlannedStatement grant(ObjectRef object, Collection<String> privileges, String role) {
    return PlannedStatement.of(
        "GRANT " + privilegeList(object.kind(), privileges) + " ON " + object.sql() + " TO "
            + SqlQuote.identifier(role));
  }

  public static PlannedStatement revoke(ObjectRef object, Collection<String> privileges, String role) {
    return PlannedStatement.of(
        "REVOKE " + privilegeList(object.kind(), privileges) + " ON " + object.sql() + " FROM "
            + SqlQuote.identifier(role));
  }

  /** Keeps the privileges but takes away the right to grant them to others. */
  public static PlannedStatement revokeGrantOption(ObjectRef object, Collection<String> privileges, String role) {
    return PlannedStatement.of(
        "REVOKE GRANT OPTION FOR " + privilegeList(object.kind(), privileges) + " ON " + object.sql() + " FROM "
            + SqlQuote.identifier(role));
  }

  /** ALTER DEFAULT PRIVILEGES FOR ROLE creator [IN SCHEMA s] GRANT|REVOKE ... ON TABLES|SEQUENCES. */
  public static PlannedStatement defaultPrivileges(
      DefaultPrivilege.Key key, Collection<String> privileges, String role, boolean grant) {
    String kinds = key.kind() == ObjectKind.TABLE ? "TABLES" : "SEQUENCES";
    String scope = key.schema() == null ? "" : " IN SCHEMA " + SqlQuote.identifier(key.schema());
    String action =
        grant
            ? " GRANT " + privilegeList(key.kind(), privileges) + " ON " + kinds + " TO "
            : " REVOKE " + privilegeList(key.kind(), privileges) + " ON " + kinds + " FROM ";
    return PlannedStatement.of(
        "ALTER DEFAULT PRIVILEGES FOR ROLE " + SqlQuote.identifier(key.creator()) + scope + action
            + SqlQuote.identifier(role));
  }

  public static PlannedStatement reassignOwned(String role, String newOwner) {
    return PlannedStatement.of(
        "REASSIGN OWNED BY " + SqlQuote.identifier(role) + " TO " + SqlQuote.identifier(newOwner));
  }

  /** Drops the objects the role owns in the current database and revokes its privileges there. */
  public static PlannedStatement dropOwned(String role) {
    return PlannedStatement.of("DROP OWNED BY " + SqlQuote.identifier(role));
  }

  public static PlannedStatement dropRole(String role) {
    return PlannedStatement.of("DROP ROLE " + SqlQuote.identifier(role));
  }

  static String attributeClause(RoleAttributes a) {
    return String.join(
        " ",
        a.superuser() ? "SUPERUSER" : "NOSUPERUSER",
        a.createDb() ? "CREATEDB" : "NOCREATEDB",
        a.createRole() ? "CREATEROLE" : "NOCREATEROLE",
        a.inherit() ? "INHERIT" : "NOINHERIT",
        a.login() ? "LOGIN" : "NOLOGIN",
        a.replication() ? "REPLICATION" : "NOREPLICATION",
        a.bypassRls() ? "BYPASSRLS" : "NOBYPASSRLS",
        "CONNECTION LIMIT " + a.connectionLimit(),
        "VALID UNTIL " + SqlQuote.literal(validUntilText(a.validUntil())));
  }

  private static String validUntilText(Instant validUntil) {
    return validUntil == null ? "infinity" : validUntil.toString();
  }

  private static PlannedStatement withPassword(String base, String scramHash) {
    if (scramHash == null) {
      return PlannedStatement.of(base);
    }
    if (!scramHash.startsWith("SCRAM-SHA-256$")) {
      throw new IllegalArgumentException("only SCRAM-SHA-256 hashes are sent to the server");
    }
    return new PlannedStatement(
        base + " PASSWORD " + SqlQuote.literal(scramHash), base + " " + REDACTED_PASSWORD);
  }

  private static String privilegeList(ObjectKind kind, Collection<String> privileges) {
    if (privileges.isEmpty()) {
      throw new IllegalArgumentException("a GRANT or REVOKE needs at least one privilege");
    }
    return privileges.stream()
        .map(kind::checkPrivilege)
        .distinct()
        .sorted(kind.privilegeOrder())
        .collect(Collectors.joining(", "));
  }
}
