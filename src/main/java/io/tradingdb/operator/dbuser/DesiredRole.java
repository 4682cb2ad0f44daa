package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.postgres.ObjectKind;
import io.tradingdb.operator.postgres.RoleAttributes;
import java.util.List;
import java.util.Set;

/**
 * The role as the spec wants it, presets expanded, before it is matched against the catalog.
 *
 * @param databasePrivileges privileges on the target database
 * @param schemaPrivileges privileges per schema
 * @param relations table and sequence rules; "all" rules expand against the catalog at plan time
 * @param defaults default privileges for objects created later
 */
public record DesiredRole(
    String roleName,
    RoleAttributes attributes,
    Set<String> memberOf,
    Set<String> databasePrivileges,
    List<SchemaRule> schemaPrivileges,
    List<RelationRule> relations,
    List<DefaultRule> defaults) {

  /** Privileges on one schema. */
  public record SchemaRule(String schema, Set<String> privileges) {}

  /**
   * Privileges on named relations of a schema, or on all of them ({@code names} empty).
   *
   * @param kind TABLE or SEQUENCE
   */
  public record RelationRule(ObjectKind kind, String schema, Set<String> names, boolean all, Set<String> privileges) {}

  /**
   * Default privileges on objects {@code creator} makes in {@code schema}.
   *
   * @param creator the creating role, or null for the admin role the operator connects as
   */
  public record DefaultRule(String creator, String schema, ObjectKind kind, Set<String> privileges) {}

  /** Schemas whose contents the plan needs from the catalog. */
  public Set<String> schemasUsed() {
    java.util.Set<String> schemas = new java.util.TreeSet<>();
    schemaPrivileges.forEach(r -> schemas.add(r.schema()));
    relations.forEach(r -> schemas.add(r.schema()));
    defaults.forEach(r -> schemas.add(r.schema()));
    return schemas;
  }

  /** Other roles the plan needs to know exist. */
  public Set<String> rolesUsed() {
    java.util.Set<String> roles = new java.util.TreeSet<>(memberOf);
    defaults.stream().map(DefaultRule::creator).filter(java.util.Objects::nonNull).forEach(roles::add);
    return roles;
  }
}
