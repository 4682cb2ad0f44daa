package io.tradingdb.operator.postgres;

import java.util.Set;

/**
 * A role as pg_roles and pg_auth_members describe it.
 *
 * @param comment the role's COMMENT (where the operator marks roles it created), or null
 * @param passwordVerifier pg_authid.rolpassword when the operator may read it (superuser), else null
 * @param memberOf roles this role is a direct member of
 */
public record RoleState(
    long oid, RoleAttributes attributes, String comment, String passwordVerifier, Set<String> memberOf) {

  @Override
  public String toString() {
    return "RoleState[oid=" + oid + ", attributes=" + attributes + ", comment=" + comment
        + ", memberOf=" + memberOf + "]";
  }
}
