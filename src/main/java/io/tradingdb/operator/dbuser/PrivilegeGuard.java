package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.api.v1alpha1.dbuser.ReservedNames;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.ReachableRole;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of the DbUser privilege model that only the catalog can answer, checked at plan time
 * (attributes and memberships change after admission): what a DbUser's role would reach through
 * memberOf and reassignOwnedTo, and whether an existing role may be adopted. A refusal means no
 * statement is planned. The model itself is in docs/security.md.
 */
public final class PrivilegeGuard {

  private PrivilegeGuard() {}

  /**
   * Why the spec may not have its memberships or reassignOwnedTo, if it may not. Roles that do not
   * exist (yet) are the planner's "missing", not a refusal.
   */
  public static Optional<String> memberships(DbUserModel model, CatalogSnapshot catalog, DbUserPolicy policy) {
    Set<String> allowedPredefined = allowedPredefined(catalog, policy);
    for (String group : new TreeSet<>(model.role().memberOf())) {
      Optional<String> problem = problem(group, catalog, policy, allowedPredefined);
      if (problem.isPresent()) {
        return Optional.of("spec.memberOf " + group + ": " + problem.get());
      }
    }
    return reassignTarget(model, catalog, policy);
  }

  /** Why objects of the role may not be handed to {@code reassignOwnedTo}, if they may not. */
  public static Optional<String> reassignTarget(DbUserModel model, CatalogSnapshot catalog, DbUserPolicy policy) {
    String heir = model.reassignOwnedTo();
    if (heir == null) {
      return Optional.empty();
    }
    return problem(heir, catalog, policy, allowedPredefined(catalog, policy))
        .map(p -> "spec.reassignOwnedTo " + heir + ": " + p + " (its functions would run with those rights)");
  }

  /**
   * Why the existing role the spec names may not be adopted, if it may not: taking it over would
   * strip an administrative attribute or membership someone relies on and hand its login to the
   * DbUser's author.
   */
  public static Optional<String> adoption(String role, CatalogSnapshot catalog, DbUserPolicy policy) {
    Set<ReachableRole> reachable = catalog.reachableRoles().getOrDefault(role, Set.of());
    for (ReachableRole self : reachable) {
      if (self.name().equals(role) && !self.attributes().isEmpty()) {
        return Optional.of("role " + role + " has " + String.join(", ", self.attributes())
            + "; the operator never adopts a role with administrative attributes");
      }
    }
    Set<String> allowedPredefined = allowedPredefined(catalog, policy);
    return sorted(reachable).stream()
        .filter(r -> !r.name().equals(role))
        .map(r -> problemWith(r, role, catalog, policy, allowedPredefined))
        .flatMap(Optional::stream)
        .findFirst()
        .map(p -> "role " + role + " cannot be adopted: " + p);
  }

  private static Optional<String> problem(
      String origin, CatalogSnapshot catalog, DbUserPolicy policy, Set<String> allowedPredefined) {
    if (origin.equals(catalog.currentUser())) {
      return Optional.of("it is the admin role the operator connects as");
    }
    return sorted(catalog.reachableRoles().getOrDefault(origin, Set.of())).stream()
        .map(r -> problemWith(r, origin, catalog, policy, allowedPredefined))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** What is wrong with reaching {@code role} from {@code origin}, in words. */
  private static Optional<String> problemWith(
      ReachableRole role, String origin, CatalogSnapshot catalog, DbUserPolicy policy, Set<String> allowedPredefined) {
    String what = role.name().equals(origin) ? "it is " : "it is a member of ";
    if (role.name().equals(catalog.currentUser())) {
      return Optional.of(what + "the admin role the operator connects as (" + role.name() + ")");
    }
    if (role.superuser()) {
      return Optional.of(what + "the superuser " + role.name());
    }
    if (ReservedNames.OPERATOR_ROLES.contains(role.name())) {
      return Optional.of(what + "the operator's own role " + role.name());
    }
    if (ReservedNames.SERVER_ACCESS_ROLES.contains(role.name())) {
      return Optional.of(what + role.name() + ", which reaches the server's files or programs");
    }
    Set<String> forbidden = new TreeSet<>(role.attributes());
    forbidden.removeAll(policy.roleAttributes());
    if (!forbidden.isEmpty()) {
      return Optional.of(what + "role " + role.name() + " with " + String.join(", ", forbidden)
          + ", which the TradingDatabase's spec.dbUsers.allowedRoleAttributes does not allow");
    }
    if (role.name().startsWith("pg_") && !allowedPredefined.contains(role.name())) {
      return Optional.of(what + "the predefined role " + role.name() + ", which is not in the allowed list "
          + new TreeSet<>(policy.predefinedRoles()) + " (TradingDatabase spec.dbUsers.allowedPredefinedRoles)");
    }
    return Optional.empty();
  }

  /** The allowed predefined roles and those they include (pg_monitor includes pg_read_all_stats...). */
  private static Set<String> allowedPredefined(CatalogSnapshot catalog, DbUserPolicy policy) {
    Set<String> allowed = new TreeSet<>(policy.predefinedRoles());
    for (String role : policy.predefinedRoles()) {
      catalog.reachableRoles().getOrDefault(role, Set.of()).forEach(r -> allowed.add(r.name()));
    }
    return allowed;
  }

  private static List<ReachableRole> sorted(Set<ReachableRole> roles) {
    return roles.stream().sorted(Comparator.comparing(ReachableRole::name)).toList();
  }
}
