package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.DbUsersSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PredefinedRole;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RoleAttribute;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a DbUser's memberships may reach beyond ordinary roles: the TradingDatabase's
 * {@code spec.dbUsers}, or the defaults for external targets and TradingDatabases that leave it unset.
 *
 * @param predefinedRoles predefined (pg_*) roles memberOf may name
 * @param roleAttributes administrative attributes (CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS) a
 *     memberOf role may reach; SUPERUSER never
 */
public record DbUserPolicy(Set<String> predefinedRoles, Set<String> roleAttributes) {

  public static final List<PredefinedRole> DEFAULT_PREDEFINED_ROLES = List.of(
      PredefinedRole.PG_READ_ALL_DATA, PredefinedRole.PG_WRITE_ALL_DATA, PredefinedRole.PG_MONITOR,
      PredefinedRole.PG_SIGNAL_BACKEND);

  public DbUserPolicy {
    predefinedRoles = Set.copyOf(predefinedRoles);
    roleAttributes = Set.copyOf(roleAttributes);
  }

  public static DbUserPolicy defaults() {
    return from((DbUsersSpec) null);
  }

  /** @param tradingDatabase the target TradingDatabase, or null for an external target */
  public static DbUserPolicy from(TradingDatabase tradingDatabase) {
    return from(tradingDatabase == null || tradingDatabase.getSpec() == null ? null : tradingDatabase.getSpec().getDbUsers());
  }

  static DbUserPolicy from(DbUsersSpec spec) {
    List<PredefinedRole> roles = spec == null || spec.getAllowedPredefinedRoles() == null
        ? DEFAULT_PREDEFINED_ROLES : spec.getAllowedPredefinedRoles();
    List<RoleAttribute> attributes = spec == null || spec.getAllowedRoleAttributes() == null
        ? List.of() : spec.getAllowedRoleAttributes();
    return new DbUserPolicy(
        roles.stream().map(PredefinedRole::roleName).collect(Collectors.toSet()),
        attributes.stream().map(RoleAttribute::name).collect(Collectors.toSet()));
  }
}
