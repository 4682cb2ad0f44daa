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
 * @param privileges privileges granted to the role on objects it does not own (system and
 *     TimescaleDB-internal schemas excluded)
 * @param grantOptions the subset of {@code privileges} held WITH GRANT OPTION
 * @param defaultPrivileges pg_default_acl entries naming the role as grantee
 * @param schemas the schemas asked about that exist, with their tables and sequences
 * @param existingRoles the roles asked about that exist
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
    Set<String> existingRoles) {

  /** The tables (including views and foreign tables) and sequences of a schema. */
  public record SchemaContents(Set<String> tables, Set<String> sequences) {}
}
