package io.tradingdb.operator.postgres;

import java.time.Instant;

/**
 * The attributes of a role that the operator manages. {@code validUntil} null means no expiry;
 * it is kept to the microsecond, PostgreSQL's precision.
 */
public record RoleAttributes(
    boolean login,
    boolean inherit,
    int connectionLimit,
    Instant validUntil,
    boolean superuser,
    boolean createDb,
    boolean createRole,
    boolean replication,
    boolean bypassRls) {

  /** A role for an application: no administrative attribute. */
  public static RoleAttributes application(boolean login, boolean inherit, int connectionLimit, Instant validUntil) {
    return new RoleAttributes(login, inherit, connectionLimit, validUntil, false, false, false, false, false);
  }
}
