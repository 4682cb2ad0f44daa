package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.dbuser.DesiredRole.DefaultRule;
import io.tradingdb.operator.dbuser.DesiredRole.RelationRule;
import io.tradingdb.operator.dbuser.DesiredRole.SchemaRule;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.DefaultPrivilege;
import io.tradingdb.operator.postgres.ObjectKind;
import io.tradingdb.operator.postgres.ObjectPrivilege;
import io.tradingdb.operator.postgres.ObjectRef;
import io.tradingdb.operator.postgres.PlannedStatement;
import io.tradingdb.operator.postgres.RoleSql;
import io.tradingdb.operator.postgres.RoleState;
import io.tradingdb.operator.postgres.ScramPasswords;
import io.tradingdb.operator.postgres.SqlPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Desired role versus the catalog: the statements that make them equal, in order (role, comment,
 * memberships, revokes, grants). Privileges the role holds that the spec does not ask for are
 * revoked. Nothing is planned when both agree.
 */
public final class GrantPlanner {

  /**
   * The password the role should have.
   *
   * @param password the plaintext, never logged
   * @param knownApplied true when the operator knows the role already has it; used only when the
   *     catalog does not show the SCRAM verifier (the admin is not a superuser)
   */
  public record PasswordIntent(String password, boolean knownApplied) {
    @Override
    public String toString() {
      return "PasswordIntent[password=<redacted>, knownApplied=" + knownApplied + "]";
    }
  }

  /**
   * @param plan statements to execute in one transaction
   * @param missing objects the spec names that do not exist (yet), in words
   * @param passwordSet whether the plan sets the password
   * @param roleCreated whether the plan creates the role
   */
  public record GrantPlan(SqlPlan plan, List<String> missing, boolean passwordSet, boolean roleCreated) {}

  private GrantPlanner() {}

  /**
   * @param ownershipComment the COMMENT that marks the role as managed by this DbUser
   */
  public static GrantPlan plan(
      DesiredRole desired, CatalogSnapshot actual, PasswordIntent password, String ownershipComment) {
    List<PlannedStatement> statements = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    String role = desired.roleName();
    RoleState state = actual.role().orElse(null);
    boolean passwordSet = false;

    if (state == null) {
      statements.add(RoleSql.createRole(role, desired.attributes(), ScramPasswords.hash(password.password())));
      passwordSet = true;
    } else {
      if (!state.attributes().equals(desired.attributes())) {
        statements.add(RoleSql.alterRole(role, desired.attributes()));
      }
      if (needsPassword(state, password)) {
        statements.add(RoleSql.setPassword(role, ScramPasswords.hash(password.password())));
        passwordSet = true;
      }
    }
    if (state == null || !Objects.equals(state.comment(), ownershipComment)) {
      statements.add(RoleSql.commentOnRole(role, ownershipComment));
    }

    Set<String> currentGroups = state == null ? Set.of() : state.memberOf();
    for (String group : new TreeSet<>(currentGroups)) {
      if (!desired.memberOf().contains(group)) {
        statements.add(RoleSql.revokeMembership(group, role));
      }
    }
    for (String group : desired.memberOf()) {
      if (!actual.existingRoles().contains(group)) {
        missing.add("role " + group);
      } else if (!currentGroups.contains(group)) {
        statements.add(RoleSql.grantMembership(group, role));
      }
    }

    Set<ObjectPrivilege> wanted = expandPrivileges(desired, actual, missing);
    Set<DefaultPrivilege> wantedDefaults = expandDefaults(desired, actual, missing);

    Map<ObjectRef, Set<String>> revokes = group(minus(actual.privileges(), wanted), ObjectPrivilege::object, ObjectPrivilege::privilege);
    // The spec never asks for WITH GRANT OPTION: a kept privilege loses it (a revoked one loses it anyway).
    Set<ObjectPrivilege> keptGrantOptions = new HashSet<>(actual.grantOptions());
    keptGrantOptions.retainAll(wanted);
    Map<ObjectRef, Set<String>> grantOptionRevokes = group(keptGrantOptions, ObjectPrivilege::object, ObjectPrivilege::privilege);
    Map<ObjectRef, Set<String>> grants = group(minus(wanted, actual.privileges()), ObjectPrivilege::object, ObjectPrivilege::privilege);
    Map<DefaultPrivilege.Key, Set<String>> defaultRevokes =
        group(minus(actual.defaultPrivileges(), wantedDefaults), DefaultPrivilege::key, DefaultPrivilege::privilege);
    Map<DefaultPrivilege.Key, Set<String>> defaultGrants =
        group(minus(wantedDefaults, actual.defaultPrivileges()), DefaultPrivilege::key, DefaultPrivilege::privilege);

    revokes.forEach((object, privileges) -> statements.add(RoleSql.revoke(object, privileges, role)));
    grantOptionRevokes.forEach((object, privileges) -> statements.add(RoleSql.revokeGrantOption(object, privileges, role)));
    defaultRevokes.forEach((key, privileges) -> statements.add(RoleSql.defaultPrivileges(key, privileges, role, false)));
    grants.forEach((object, privileges) -> statements.add(RoleSql.grant(object, privileges, role)));
    defaultGrants.forEach((key, privileges) -> statements.add(RoleSql.defaultPrivileges(key, privileges, role, true)));

    return new GrantPlan(new SqlPlan(statements), List.copyOf(missing), passwordSet, state == null);
  }

  /**
   * Removing a role: hand its objects to {@code reassignTo} (when set), drop what it still owns
   * and its privileges in this database, then the role.
   */
  public static SqlPlan planDrop(String role, String reassignTo) {
    List<PlannedStatement> statements = new ArrayList<>();
    if (reassignTo != null) {
      statements.add(RoleSql.reassignOwned(role, reassignTo));
    }
    statements.add(RoleSql.dropOwned(role));
    statements.add(RoleSql.dropRole(role));
    return new SqlPlan(statements);
  }

  private static boolean needsPassword(RoleState state, PasswordIntent password) {
    if (state.passwordVerifier() != null) {
      return !ScramPasswords.matches(password.password(), state.passwordVerifier());
    }
    // Without a readable verifier, trust only what this operator applied and recorded.
    return !password.knownApplied();
  }

  /** Concrete privileges on objects that exist now; names that do not exist go to {@code missing}. */
  static Set<ObjectPrivilege> expandPrivileges(DesiredRole desired, CatalogSnapshot actual, List<String> missing) {
    Set<ObjectPrivilege> wanted = new HashSet<>();
    ObjectRef database = ObjectRef.database(actual.database());
    desired.databasePrivileges().forEach(p -> wanted.add(new ObjectPrivilege(database, p)));
    for (SchemaRule rule : desired.schemaPrivileges()) {
      if (!actual.schemas().containsKey(rule.schema())) {
        addMissing(missing, "schema " + rule.schema());
        continue;
      }
      rule.privileges().forEach(p -> wanted.add(new ObjectPrivilege(ObjectRef.schema(rule.schema()), p)));
    }
    for (RelationRule rule : desired.relations()) {
      CatalogSnapshot.SchemaContents contents = actual.schemas().get(rule.schema());
      if (contents == null) {
        addMissing(missing, "schema " + rule.schema());
        continue;
      }
      boolean table = rule.kind() == ObjectKind.TABLE;
      Set<String> existing = table ? contents.tables() : contents.sequences();
      Set<String> names = rule.all() ? existing : rule.names();
      for (String name : new TreeSet<>(names)) {
        if (!existing.contains(name)) {
          addMissing(missing, (table ? "table " : "sequence ") + rule.schema() + "." + name);
          continue;
        }
        ObjectRef object = table ? ObjectRef.table(rule.schema(), name) : ObjectRef.sequence(rule.schema(), name);
        rule.privileges().forEach(p -> wanted.add(new ObjectPrivilege(object, p)));
      }
    }
    return wanted;
  }

  static Set<DefaultPrivilege> expandDefaults(DesiredRole desired, CatalogSnapshot actual, List<String> missing) {
    Set<DefaultPrivilege> wanted = new HashSet<>();
    for (DefaultRule rule : desired.defaults()) {
      String creator = rule.creator() == null ? actual.currentUser() : rule.creator();
      if (rule.creator() != null && !actual.existingRoles().contains(creator)) {
        addMissing(missing, "role " + creator);
        continue;
      }
      if (!actual.schemas().containsKey(rule.schema())) {
        addMissing(missing, "schema " + rule.schema());
        continue;
      }
      rule.privileges().forEach(p -> wanted.add(new DefaultPrivilege(creator, rule.schema(), rule.kind(), p)));
    }
    return wanted;
  }

  private static void addMissing(List<String> missing, String what) {
    if (!missing.contains(what)) {
      missing.add(what);
    }
  }

  private static <T> Set<T> minus(Set<T> a, Set<T> b) {
    Set<T> result = new HashSet<>(a);
    result.removeAll(b);
    return result;
  }

  /** Groups privileges by object in a stable order, so a plan reads the same on every run. */
  private static <T, K extends Comparable<? super K>> Map<K, Set<String>> group(
      Set<T> entries, Function<T, K> key, Function<T, String> privilege) {
    return entries.stream().collect(Collectors.groupingBy(key, TreeMap::new,
        Collectors.mapping(privilege, Collectors.toCollection(TreeSet::new))));
  }
}
