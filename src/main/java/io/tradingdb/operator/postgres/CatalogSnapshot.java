package io.tradingdb.operator.postgres;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the catalog says about one role in one database, read before planning.
 *
 * @param database the current database
 * @param currentUser the admin role the operator is connected as
 * @param currentUserSuperuser whether that role is a superuser
 * @param role the role, or empty when it does not exist
 * @param privileges privileges granted to the role on objects it does not own (TimescaleDB-internal
 *     schemas excluded; system schemas included so that such grants are revoked)
 * @param grantOptions the subset of {@code privileges} held WITH GRANT OPTION
 * @param defaultPrivileges pg_default_acl entries naming the role as grantee
 * @param schemas the schemas asked about that exist, with their tables and sequences
 * @param existingRoles the roles asked about that exist
 * @param reachableRoles for the role and each role asked about that exists: itself and every role it is
 *     a member of, directly or through other roles (pg_auth_members, read at plan time)
 */
public record CatalogSnapshot(
    String database,
    String currentUser,
    boolean currentUserSuperuser,
    Optional<RoleState> role,
    Set<ObjectPrivilege> privileges,
    Set<ObjectPrivilege> grantOptions,
    Set<DefaultPrivilege> defaultPrivileges,
    Map<String, SchemaContents> schemas,
    Set<String> existingRoles,
    Map<String, Set<ReachableRole>> reachableRoles) {

  /** The tables (including views and foreign tables) and sequences of a schema. */
  public record SchemaContents(Set<String> tables, Set<String> sequences) {}
}
