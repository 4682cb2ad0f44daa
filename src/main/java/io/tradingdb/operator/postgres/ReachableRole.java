package io.tradingdb.operator.postgres;

import java.util.Set;
import java.util.TreeSet;

/**
 * A role that another role is, directly or through other roles, a member of (or the role itself),
 * with the administrative attributes that SET ROLE would give.
 */
public record ReachableRole(
    String name, boolean superuser, boolean createRole, boolean createDb, boolean replication, boolean bypassRls) {

  /** The administrative attributes it has, by their SQL keywords. */
  public Set<String> attributes() {
    Set<String> set = new TreeSet<>();
    if (superuser) set.add("SUPERUSER");
    if (createRole) set.add("CREATEROLE");
    if (createDb) set.add("CREATEDB");
    if (replication) set.add("REPLICATION");
    if (bypassRls) set.add("BYPASSRLS");
    return set;
  }
}
