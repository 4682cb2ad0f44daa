package io.tradingdb.operator.api.v1alpha1.dbuser;

import java.util.List;
import java.util.Locale;

/**
 * Role and schema names a DbUser may never use, as CEL rules for the CRD and as lists for the
 * operator, which checks them again (an older CRD may still be installed). See docs/security.md.
 */
public final class ReservedNames {

  /**
   * Roles the operator runs a TradingDatabase with: the superuser (Patroni, pg_rewind, pgBackRest,
   * backups), the replication login, the pooler's two auth_query logins and the metrics exporter's.
   * ReservedNamesTest keeps this list equal to the constants those classes use.
   */
  public static final List<String> OPERATOR_ROLES = List.of("postgres", "standby", "tradingdb_pooler", "tradingdb_pooler_alt", "tradingdb_monitor");

  /** Predefined roles that read or write server files or run programs as the server's OS user. */
  public static final List<String> SERVER_ACCESS_ROLES =
      List.of("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files");

  /** Words PostgreSQL reads as pseudo-roles in GRANT and REVOKE, even when quoted. */
  public static final List<String> PSEUDO_ROLES = List.of("public", "none");

  /** Schemas the operator creates for itself. */
  public static final List<String> OPERATOR_SCHEMAS = List.of("tradingdb_pooler");

  public static final String OPERATOR_ROLES_CEL = "['postgres', 'standby', 'tradingdb_pooler', 'tradingdb_pooler_alt', 'tradingdb_monitor']";
  public static final String NEVER_MEMBER_OF_CEL = "['postgres', 'standby', 'tradingdb_pooler', 'tradingdb_pooler_alt', 'tradingdb_monitor', "
      + "'pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'public', 'none']";

  /** On a role name the spec creates or hands objects to. */
  static final String NOT_OPERATOR_ROLE_RULE = "!(self in " + OPERATOR_ROLES_CEL + ")";
  static final String NOT_OPERATOR_ROLE_MESSAGE =
      "is reserved: postgres, standby, tradingdb_pooler, tradingdb_pooler_alt and tradingdb_monitor are the operator's own roles";

  static final String MEMBER_OF_RULE = "self.all(r, !(r in " + NEVER_MEMBER_OF_CEL + "))";
  static final String MEMBER_OF_MESSAGE = "memberOf may not name postgres, standby, tradingdb_pooler, "
      + "tradingdb_pooler_alt, tradingdb_monitor, pg_execute_server_program, pg_read_server_files, pg_write_server_files, public or none";

  /** On every schema field: system schemas in any letter case, TimescaleDB's and the operator's own. */
  static final String SCHEMA_RULE = "!self.lowerAscii().startsWith('pg_') "
      + "&& !(self.lowerAscii() in ['information_schema', 'tradingdb_pooler']) "
      + "&& !self.lowerAscii().matches('^_?timescaledb_')";
  static final String SCHEMA_MESSAGE = "is a system schema (pg_*, information_schema, TimescaleDB's "
      + "_timescaledb_* and timescaledb_*, tradingdb_pooler): DbUsers are never granted anything there";

  private ReservedNames() {}

  /** Whether {@code schema} belongs to PostgreSQL, TimescaleDB or the operator; letter case is ignored. */
  public static boolean isSystemSchema(String schema) {
    String lower = schema.toLowerCase(Locale.ROOT);
    return lower.startsWith("pg_") || lower.equals("information_schema") || OPERATOR_SCHEMAS.contains(lower)
        || lower.startsWith("_timescaledb_") || lower.startsWith("timescaledb_");
  }

  /** Whether a DbUser may never be a member of {@code role}, whatever the catalog says. */
  public static boolean neverMemberOf(String role) {
    return OPERATOR_ROLES.contains(role) || SERVER_ACCESS_ROLES.contains(role) || PSEUDO_ROLES.contains(role);
  }
}
