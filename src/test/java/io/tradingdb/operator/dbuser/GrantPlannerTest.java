package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.dbuser.GrantPlanner.GrantPlan;
import io.tradingdb.operator.dbuser.GrantPlanner.PasswordIntent;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.CatalogSnapshot.SchemaContents;
import io.tradingdb.operator.postgres.DefaultPrivilege;
import io.tradingdb.operator.postgres.ObjectKind;
import io.tradingdb.operator.postgres.ObjectPrivilege;
import io.tradingdb.operator.postgres.ObjectRef;
import io.tradingdb.operator.postgres.RoleAttributes;
import io.tradingdb.operator.postgres.RoleState;
import io.tradingdb.operator.postgres.ScramPasswords;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantPlannerTest {

  private static final String PASSWORD = "correct-horse-battery-staple";
  private static final String MARK = RoleOwnership.comment("trading", "analyst", "uid-1");
  private static final Map<String, SchemaContents> PUBLIC =
      Map.of("public", new SchemaContents(Set.of("news_articles", "prices"), Set.of("news_articles_id_seq")));

  private final DesiredRole readOnly = DbUserModel.from(DbUserFixtures.load("readonly-user.yaml")).role();

  @Test
  void newRoleIsCreatedWithItsGrantsInAStableOrder() {
    GrantPlan plan = GrantPlanner.plan(readOnly, snapshot(null, Set.of(), Set.of()), intent(false), MARK);

    assertThat(plan.roleCreated()).isTrue();
    assertThat(plan.passwordSet()).isTrue();
    assertThat(plan.missing()).isEmpty();
    assertThat(plan.plan().descriptions()).containsExactly(
        "CREATE ROLE \"analyst\" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT LOGIN NOREPLICATION NOBYPASSRLS "
            + "CONNECTION LIMIT -1 VALID UNTIL 'infinity' PASSWORD '<scram-sha-256 redacted>'",
        "COMMENT ON ROLE \"analyst\" IS '" + MARK + "'",
        "GRANT CONNECT ON DATABASE \"ai_trading\" TO \"analyst\"",
        "GRANT USAGE ON SCHEMA \"public\" TO \"analyst\"",
        "GRANT SELECT ON TABLE \"public\".\"news_articles\" TO \"analyst\"",
        "GRANT SELECT ON TABLE \"public\".\"prices\" TO \"analyst\"",
        "GRANT USAGE, SELECT ON SEQUENCE \"public\".\"news_articles_id_seq\" TO \"analyst\"",
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" IN SCHEMA \"public\" GRANT SELECT ON TABLES TO \"analyst\"",
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" IN SCHEMA \"public\" GRANT USAGE, SELECT ON SEQUENCES TO \"analyst\"");
    // The executed text carries the SCRAM verifier, never the plaintext.
    String create = plan.plan().statements().get(0).sql();
    assertThat(create).contains("PASSWORD 'SCRAM-SHA-256$4096:").doesNotContain(PASSWORD);
  }

  @Test
  void nothingIsPlannedWhenTheCatalogMatches() {
    GrantPlan plan = GrantPlanner.plan(
        readOnly, snapshot(existingRole(MARK, Set.of()), fullReadOnlyGrants(), fullReadOnlyDefaults()), intent(false), MARK);
    assertThat(plan.plan().isEmpty()).as(plan.plan().descriptions().toString()).isTrue();
    assertThat(plan.passwordSet()).isFalse();
  }

  @Test
  void privilegesOutsideTheSpecAreRevokedAndMissingOnesGranted() {
    Set<ObjectPrivilege> actual = new HashSet<>(fullReadOnlyGrants());
    actual.remove(new ObjectPrivilege(ObjectRef.table("public", "prices"), "SELECT"));
    actual.add(new ObjectPrivilege(ObjectRef.table("public", "news_articles"), "DELETE"));
    actual.add(new ObjectPrivilege(ObjectRef.table("public", "news_articles"), "TRUNCATE"));
    actual.add(new ObjectPrivilege(ObjectRef.table("audit", "trades"), "SELECT"));
    actual.add(new ObjectPrivilege(ObjectRef.database("ai_trading"), "TEMPORARY"));
    Set<DefaultPrivilege> defaults = new HashSet<>(fullReadOnlyDefaults());
    defaults.add(new DefaultPrivilege("postgres", null, ObjectKind.TABLE, "INSERT"));

    GrantPlan plan = GrantPlanner.plan(readOnly, snapshot(existingRole(MARK, Set.of()), actual, defaults), intent(false), MARK);

    assertThat(plan.plan().descriptions()).containsExactly(
        "REVOKE TEMPORARY ON DATABASE \"ai_trading\" FROM \"analyst\"",
        "REVOKE SELECT ON TABLE \"audit\".\"trades\" FROM \"analyst\"",
        "REVOKE DELETE, TRUNCATE ON TABLE \"public\".\"news_articles\" FROM \"analyst\"",
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"postgres\" REVOKE INSERT ON TABLES FROM \"analyst\"",
        "GRANT SELECT ON TABLE \"public\".\"prices\" TO \"analyst\"");
  }

  @Test
  void aGrantOptionIsTakenAwayFromAKeptPrivilege() {
    ObjectPrivilege select = new ObjectPrivilege(ObjectRef.table("public", "prices"), "SELECT");
    GrantPlan plan = GrantPlanner.plan(readOnly,
        snapshot(existingRole(MARK, Set.of()), fullReadOnlyGrants(), Set.of(select), fullReadOnlyDefaults()), intent(false), MARK);
    assertThat(plan.plan().descriptions())
        .containsExactly("REVOKE GRANT OPTION FOR SELECT ON TABLE \"public\".\"prices\" FROM \"analyst\"");
  }

  @Test
  void missingObjectsAreReportedWhileTheRestIsPlanned() {
    DesiredRole app = DbUserModel.from(DbUserFixtures.load("app-user.yaml")).role();
    CatalogSnapshot catalog = new CatalogSnapshot("ai_trading", "postgres", true, Optional.empty(), Set.of(), Set.of(), Set.of(),
        Map.of("public", new SchemaContents(Set.of(), Set.of())), Set.of(), Map.of());

    GrantPlan plan = GrantPlanner.plan(app, catalog, intent(false), MARK);

    assertThat(plan.missing()).containsExactly("table public.news_articles", "sequence public.news_articles_id_seq");
    assertThat(plan.plan().descriptions()).last().isEqualTo("GRANT CONNECT ON DATABASE \"ai_trading\" TO \"news_writer\"");
  }

  @Test
  void attributesMembershipsPasswordAndMarkAreCorrected() {
    RoleState drifted = new RoleState(42, new RoleAttributes(true, true, 5, null, false, true, false, false, false),
        "someone else's note", ScramPasswords.hash("old-password"), Set.of("admins"));
    DesiredRole role = new DesiredRole("analyst", RoleAttributes.application(true, true, -1, null),
        Set.of("readers"), Set.of(), List.of(), List.of(), List.of());
    CatalogSnapshot catalog = new CatalogSnapshot("ai_trading", "postgres", true, Optional.of(drifted), Set.of(),
        Set.of(), Set.of(), Map.of(), Set.of("readers", "admins"), Map.of());

    GrantPlan plan = GrantPlanner.plan(role, catalog, intent(false), MARK);

    assertThat(plan.passwordSet()).isTrue();
    assertThat(plan.plan().descriptions()).containsExactly(
        "ALTER ROLE \"analyst\" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT LOGIN NOREPLICATION NOBYPASSRLS "
            + "CONNECTION LIMIT -1 VALID UNTIL 'infinity'",
        "ALTER ROLE \"analyst\" WITH PASSWORD '<scram-sha-256 redacted>'",
        "COMMENT ON ROLE \"analyst\" IS '" + MARK + "'",
        "REVOKE \"admins\" FROM \"analyst\"",
        "GRANT \"readers\" TO \"analyst\"");
  }

  @Test
  void withoutAReadableVerifierThePasswordIsSetUnlessKnownApplied() {
    RoleState noVerifier = new RoleState(42, RoleAttributes.application(true, true, -1, null), MARK, null, Set.of());
    DesiredRole role = new DesiredRole("analyst", RoleAttributes.application(true, true, -1, null),
        Set.of(), Set.of(), List.of(), List.of(), List.of());
    CatalogSnapshot catalog = new CatalogSnapshot("ai_trading", "admin", false, Optional.of(noVerifier), Set.of(),
        Set.of(), Set.of(), Map.of(), Set.of(), Map.of());

    assertThat(GrantPlanner.plan(role, catalog, new PasswordIntent(PASSWORD, true), MARK).plan().isEmpty()).isTrue();
    assertThat(GrantPlanner.plan(role, catalog, new PasswordIntent(PASSWORD, false), MARK).plan().descriptions())
        .containsExactly("ALTER ROLE \"analyst\" WITH PASSWORD '<scram-sha-256 redacted>'");
  }

  @Test
  void dropPlanReassignsThenDrops() {
    assertThat(GrantPlanner.planDrop("analyst", "migrator").descriptions()).containsExactly(
        "REASSIGN OWNED BY \"analyst\" TO \"migrator\"", "DROP OWNED BY \"analyst\"", "DROP ROLE \"analyst\"");
    assertThat(GrantPlanner.planDrop("analyst", null).descriptions())
        .containsExactly("DROP OWNED BY \"analyst\"", "DROP ROLE \"analyst\"");
  }

  private static PasswordIntent intent(boolean knownApplied) {
    return new PasswordIntent(PASSWORD, knownApplied);
  }

  private static RoleState existingRole(String comment, Set<String> memberOf) {
    return new RoleState(42, RoleAttributes.application(true, true, -1, null), comment, ScramPasswords.hash(PASSWORD), memberOf);
  }

  private static CatalogSnapshot snapshot(RoleState role, Set<ObjectPrivilege> privileges, Set<DefaultPrivilege> defaults) {
    return snapshot(role, privileges, Set.of(), defaults);
  }

  private static CatalogSnapshot snapshot(
      RoleState role, Set<ObjectPrivilege> privileges, Set<ObjectPrivilege> grantOptions, Set<DefaultPrivilege> defaults) {
    return new CatalogSnapshot("ai_trading", "postgres", true, Optional.ofNullable(role), privileges, grantOptions, defaults, PUBLIC,
        Set.of(), Map.of());
  }

  private static Set<ObjectPrivilege> fullReadOnlyGrants() {
    return Set.of(
        new ObjectPrivilege(ObjectRef.database("ai_trading"), "CONNECT"),
        new ObjectPrivilege(ObjectRef.schema("public"), "USAGE"),
        new ObjectPrivilege(ObjectRef.table("public", "news_articles"), "SELECT"),
        new ObjectPrivilege(ObjectRef.table("public", "prices"), "SELECT"),
        new ObjectPrivilege(ObjectRef.sequence("public", "news_articles_id_seq"), "USAGE"),
        new ObjectPrivilege(ObjectRef.sequence("public", "news_articles_id_seq"), "SELECT"));
  }

  private static Set<DefaultPrivilege> fullReadOnlyDefaults() {
    return Set.of(
        new DefaultPrivilege("postgres", "public", ObjectKind.TABLE, "SELECT"),
        new DefaultPrivilege("postgres", "public", ObjectKind.SEQUENCE, "USAGE"),
        new DefaultPrivilege("postgres", "public", ObjectKind.SEQUENCE, "SELECT"));
  }
}
