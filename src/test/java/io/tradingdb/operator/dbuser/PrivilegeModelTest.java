package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.DefaultObjectType;
import io.tradingdb.operator.api.v1alpha1.dbuser.DefaultPrivilegeGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.Preset;
import io.tradingdb.operator.api.v1alpha1.dbuser.PrivilegesSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaPrivilege;
import io.tradingdb.operator.api.v1alpha1.dbuser.SequenceGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.SequencePrivilege;
import io.tradingdb.operator.api.v1alpha1.dbuser.TableGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.TablePrivilege;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.DbUsersSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PredefinedRole;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RoleAttribute;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.dbuser.GrantPlanner.GrantPlan;
import io.tradingdb.operator.dbuser.GrantPlanner.PasswordIntent;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.CatalogSnapshot.SchemaContents;
import io.tradingdb.operator.postgres.ObjectPrivilege;
import io.tradingdb.operator.postgres.ObjectRef;
import io.tradingdb.operator.postgres.ReachableRole;
import io.tradingdb.operator.postgres.RoleAttributes;
import io.tradingdb.operator.postgres.RoleState;
import io.tradingdb.operator.postgres.ScramPasswords;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus of the DbUser privilege model (docs/security.md) below the API server: what
 * {@link DbUserModel} refuses from the spec alone, and what {@link PrivilegeGuard} refuses against a
 * catalog. The same classes run against the real PostgreSQL in DbUserPrivilegeModelIT.
 */
class PrivilegeModelTest {

  private static final String ADMIN = "postgres";

  // ---- static refusals (spec alone): reserved role names, server-access roles, system schemas ----

  static Stream<Arguments> refusedBySpec() {
    return Stream.of(
        // 1. superuser by membership
        spec("memberOf postgres", u -> u.getSpec().setMemberOf(List.of("postgres")), "spec.memberOf may not name postgres"),
        spec("memberOf postgres among others, duplicated", u -> u.getSpec().setMemberOf(List.of("readers", "postgres", "postgres")),
            "spec.memberOf may not name postgres"),
        spec("reassignOwnedTo postgres", u -> u.getSpec().setReassignOwnedTo("postgres"), "spec.reassignOwnedTo may not be postgres"),
        spec("reassignOwnedTo pg_monitor", u -> u.getSpec().setReassignOwnedTo("pg_monitor"), "spec.reassignOwnedTo may not be pg_monitor"),
        spec("reassignOwnedTo public", u -> u.getSpec().setReassignOwnedTo("public"), "spec.reassignOwnedTo may not be public"),
        // 2. server files and programs
        spec("memberOf pg_execute_server_program", u -> u.getSpec().setMemberOf(List.of("pg_execute_server_program")),
            "spec.memberOf may not name pg_execute_server_program"),
        spec("memberOf pg_read_server_files", u -> u.getSpec().setMemberOf(List.of("pg_read_server_files")),
            "spec.memberOf may not name pg_read_server_files"),
        spec("memberOf pg_write_server_files", u -> u.getSpec().setMemberOf(List.of("pg_write_server_files")),
            "spec.memberOf may not name pg_write_server_files"),
        spec("memberOf public", u -> u.getSpec().setMemberOf(List.of("public")), "spec.memberOf may not name public"),
        // 3. and 4. system schemas
        spec("SELECT on pg_catalog.pg_authid", u -> tables(u, "pg_catalog", List.of("pg_authid"), TablePrivilege.SELECT),
            "pg_catalog is a system schema"),
        spec("SELECT on PG_CATALOG (upper case)", u -> tables(u, "PG_CATALOG", List.of("pg_authid"), TablePrivilege.SELECT),
            "PG_CATALOG is a system schema"),
        spec("CREATE on information_schema", u -> schemas(u, "information_schema", SchemaPrivilege.CREATE),
            "information_schema is a system schema"),
        spec("USAGE on Information_Schema (mixed case)", u -> schemas(u, "Information_Schema", SchemaPrivilege.USAGE),
            "Information_Schema is a system schema"),
        spec("INSERT, TRUNCATE on all tables of information_schema", u -> allTables(u, "information_schema",
            TablePrivilege.INSERT, TablePrivilege.TRUNCATE), "information_schema is a system schema"),
        spec("all tables of pg_catalog", u -> allTables(u, "pg_catalog", TablePrivilege.SELECT), "pg_catalog is a system schema"),
        spec("sequences of pg_toast", u -> sequences(u, "pg_toast"), "pg_toast is a system schema"),
        spec("CREATE on pg_temp", u -> schemas(u, "pg_temp", SchemaPrivilege.CREATE), "pg_temp is a system schema"),
        spec("CREATE on pg_temp_3", u -> schemas(u, "pg_temp_3", SchemaPrivilege.CREATE), "pg_temp_3 is a system schema"),
        spec("default privileges in pg_catalog", u -> defaults(u, "pg_catalog"), "pg_catalog is a system schema"),
        spec("default privileges in information_schema", u -> defaults(u, "information_schema"),
            "information_schema is a system schema"),
        spec("readWrite preset over pg_catalog", u -> {
          schemas(u, "pg_catalog");
          u.getSpec().getPrivileges().setPreset(Preset.READ_WRITE);
        }, "pg_catalog is a system schema"),
        spec("TimescaleDB's catalog", u -> allTables(u, "_timescaledb_catalog", TablePrivilege.INSERT),
            "_timescaledb_catalog is a system schema"),
        spec("TimescaleDB's information views", u -> schemas(u, "timescaledb_information", SchemaPrivilege.CREATE),
            "timescaledb_information is a system schema"),
        spec("the pooler's lookup schema", u -> schemas(u, "tradingdb_pooler", SchemaPrivilege.USAGE),
            "tradingdb_pooler is a system schema"),
        // 5. the operator's own roles
        spec("roleName standby (adopt)", u -> adopt(u, "standby"), "spec.roleName 'standby' is reserved"),
        spec("roleName postgres (adopt)", u -> adopt(u, "postgres"), "spec.roleName 'postgres' is reserved"),
        spec("roleName tradingdb_pooler (adopt)", u -> adopt(u, "tradingdb_pooler"), "spec.roleName 'tradingdb_pooler' is reserved"),
        spec("roleName tradingdb_monitor (adopt)", u -> adopt(u, "tradingdb_monitor"), "spec.roleName 'tradingdb_monitor' is reserved"),
        spec("roleName PG_SIGNAL_BACKEND", u -> u.getSpec().setRoleName("PG_SIGNAL_BACKEND"), "is reserved by PostgreSQL"),
        spec("memberOf standby", u -> u.getSpec().setMemberOf(List.of("standby")), "spec.memberOf may not name standby"),
        spec("memberOf tradingdb_pooler", u -> u.getSpec().setMemberOf(List.of("tradingdb_pooler")),
            "spec.memberOf may not name tradingdb_pooler"),
        spec("memberOf tradingdb_monitor", u -> u.getSpec().setMemberOf(List.of("tradingdb_monitor")),
            "spec.memberOf may not name tradingdb_monitor"),
        spec("reassignOwnedTo standby", u -> u.getSpec().setReassignOwnedTo("standby"), "spec.reassignOwnedTo may not be standby"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBySpec")
  void theSpecAloneIsRefused(String name, Consumer<DbUser> hostile, String message) {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    hostile.accept(user);
    assertThatThrownBy(() -> DbUserModel.from(user)).isInstanceOf(InvalidSpecException.class).hasMessageContaining(message);
  }

  @Test
  void lookAlikesOfReservedNamesAreOrdinaryNamesForTheSpec() {
    // Names are literal in PostgreSQL: these are other roles and schemas, judged by the catalog.
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setMemberOf(List.of("Postgres", "POSTGRES", "PG_EXECUTE_SERVER_PROGRAM", "pоstgres"));
    tables(user, "рg_catalog", List.of("pg_authid"), TablePrivilege.SELECT); // Cyrillic р
    DbUserModel model = DbUserModel.from(user);
    assertThat(model.role().memberOf()).containsExactlyInAnyOrder("Postgres", "POSTGRES", "PG_EXECUTE_SERVER_PROGRAM", "pоstgres");
  }

  // ---- refusals against the catalog (plan time) ----

  static Stream<Arguments> refusedByCatalog() {
    return Stream.of(
        // 1. superuser by membership
        catalog("a superuser under another name", List.of("boss"), roles(chain("boss", superuser("boss"))),
            "spec.memberOf boss: it is the superuser boss"),
        catalog("a role that is a member of a superuser", List.of("via"),
            roles(chain("via", plain("via"), superuser("boss"))), "spec.memberOf via: it is a member of the superuser boss"),
        catalog("three levels down to a superuser", List.of("deep"),
            roles(chain("deep", plain("deep"), plain("mid"), plain("via"), superuser("boss"))), "the superuser boss"),
        catalog("a mixed-case superuser Postgres", List.of("Postgres"), roles(chain("Postgres", superuser("Postgres"))),
            "it is the superuser Postgres"),
        catalog("the admin role of an external target", List.of("rds_admin"), roles(chain("rds_admin", creator("rds_admin"))),
            "it is the admin role the operator connects as", "rds_admin"),
        catalog("a member of the admin role", List.of("ops"), roles(chain("ops", plain("ops"), creator("rds_admin"))),
            "it is a member of the admin role the operator connects as (rds_admin)", "rds_admin"),
        // privileged attributes
        catalog("a role with CREATEROLE", List.of("hr"), roles(chain("hr", creator("hr"))), "role hr with CREATEROLE"),
        catalog("a role with CREATEDB", List.of("dba"), roles(chain("dba", attr("dba", "CREATEDB"))), "role dba with CREATEDB"),
        catalog("a role with REPLICATION", List.of("repl"), roles(chain("repl", attr("repl", "REPLICATION"))),
            "role repl with REPLICATION"),
        catalog("a role with BYPASSRLS", List.of("auditor"), roles(chain("auditor", attr("auditor", "BYPASSRLS"))),
            "role auditor with BYPASSRLS"),
        catalog("a member of a CREATEROLE role", List.of("team"), roles(chain("team", plain("team"), creator("hr"))),
            "it is a member of role hr with CREATEROLE"),
        // 2. server files and programs, also indirectly
        catalog("a member of pg_execute_server_program", List.of("shell"),
            roles(chain("shell", plain("shell"), plain("pg_execute_server_program"))),
            "it is a member of pg_execute_server_program, which reaches the server's files or programs"),
        catalog("an upper-case role that is a member of pg_read_server_files", List.of("PG_EXECUTE_SERVER_PROGRAM"),
            roles(chain("PG_EXECUTE_SERVER_PROGRAM", plain("PG_EXECUTE_SERVER_PROGRAM"), plain("pg_read_server_files"))),
            "pg_read_server_files"),
        catalog("pg_monitor after a superuser made it a member of pg_write_server_files", List.of("pg_monitor"),
            roles(chain("pg_monitor", plain("pg_monitor"), plain("pg_write_server_files"))), "pg_write_server_files"),
        catalog("a predefined role outside the allow-list", List.of("pg_create_subscription"),
            roles(chain("pg_create_subscription", plain("pg_create_subscription"))),
            "the predefined role pg_create_subscription, which is not in the allowed list"),
        catalog("an ordinary role leading to a predefined role outside the allow-list", List.of("checkpointers"),
            roles(chain("checkpointers", plain("checkpointers"), plain("pg_checkpoint"))), "pg_checkpoint"),
        // 5. the operator's own roles, reached through another role
        catalog("a member of the pooler's lookup role", List.of("lookup_friend"),
            roles(chain("lookup_friend", plain("lookup_friend"), plain("tradingdb_pooler"))),
            "it is a member of the operator's own role tradingdb_pooler"),
        catalog("a member of standby", List.of("replica_friend"),
            roles(chain("replica_friend", plain("replica_friend"), plain("standby"))), "the operator's own role standby"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByCatalog")
  void membershipsAreRefusedAgainstTheCatalog(
      String name, List<String> memberOf, Map<String, Set<ReachableRole>> reachable, String message, String admin) {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setMemberOf(memberOf);
    DbUserModel model = DbUserModel.from(user);
    CatalogSnapshot catalog = snapshot(admin, Optional.empty(), reachable);

    assertThat(PrivilegeGuard.memberships(model, catalog, DbUserPolicy.defaults())).hasValueSatisfying(m -> assertThat(m).contains(message));
  }

  /** The catalog cases whose role may be named in reassignOwnedTo at all (pg_* is refused by the spec). */
  static Stream<Arguments> reassignable() {
    return refusedByCatalog().filter(a -> !((List<?>) a.get()[1]).get(0).toString().toLowerCase(Locale.ROOT).startsWith("pg_"));
  }

  @ParameterizedTest(name = "reassignOwnedTo: {0}")
  @MethodSource("reassignable")
  void theSameRolesNeverReceiveTheRolesObjects(
      String name, List<String> memberOf, Map<String, Set<ReachableRole>> reachable, String message, String admin) {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setReassignOwnedTo(memberOf.get(0));
    DbUserModel model = DbUserModel.from(user);

    assertThat(PrivilegeGuard.memberships(model, snapshot(admin, Optional.empty(), reachable), DbUserPolicy.defaults()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.reassignOwnedTo " + memberOf.get(0))
            .contains(message.replaceFirst("^spec\\.memberOf [^:]*: ", "")));
  }

  @Test
  void ordinaryRolesAndTheDefaultPredefinedRolesAreAllowed() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setMemberOf(List.of("readers", "pg_read_all_data", "pg_write_all_data", "pg_monitor", "pg_signal_backend",
        "pg_read_all_stats", "POSTGRES"));
    Map<String, Set<ReachableRole>> reachable = roles(
        chain("readers", plain("readers"), plain("market_readers"), plain("pg_read_all_data")),
        chain("pg_read_all_data", plain("pg_read_all_data")),
        chain("pg_write_all_data", plain("pg_write_all_data")),
        chain("pg_monitor", plain("pg_monitor"), plain("pg_read_all_settings"), plain("pg_read_all_stats"),
            plain("pg_stat_scan_tables")),
        chain("pg_signal_backend", plain("pg_signal_backend")),
        chain("pg_read_all_stats", plain("pg_read_all_stats")),
        chain("POSTGRES", plain("POSTGRES")));

    assertThat(PrivilegeGuard.memberships(DbUserModel.from(user), snapshot(ADMIN, Optional.empty(), reachable),
        DbUserPolicy.defaults())).isEmpty();
  }

  @Test
  void theTradingDatabaseNarrowsAndWidensTheList() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setMemberOf(List.of("readers"));
    Map<String, Set<ReachableRole>> reachable = roles(
        chain("readers", plain("readers"), plain("pg_read_all_data")), chain("pg_checkpoint", plain("pg_checkpoint")));
    CatalogSnapshot catalog = snapshot(ADMIN, Optional.empty(), reachable);

    DbUserPolicy none = DbUserPolicy.from(tradingDatabase(List.of(), null));
    assertThat(PrivilegeGuard.memberships(DbUserModel.from(user), catalog, none))
        .hasValueSatisfying(m -> assertThat(m).contains("pg_read_all_data, which is not in the allowed list []"));

    user.getSpec().setMemberOf(List.of("pg_checkpoint"));
    assertThat(PrivilegeGuard.memberships(DbUserModel.from(user), catalog, DbUserPolicy.defaults())).isPresent();
    DbUserPolicy wider = DbUserPolicy.from(tradingDatabase(List.of(PredefinedRole.PG_CHECKPOINT), null));
    assertThat(PrivilegeGuard.memberships(DbUserModel.from(user), catalog, wider)).isEmpty();
  }

  @Test
  void anAttributeIsAllowedOnlyWhenTheTradingDatabaseListsItAndSuperuserNever() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setMemberOf(List.of("dba"));
    CatalogSnapshot createDb = snapshot(ADMIN, Optional.empty(), roles(chain("dba", attr("dba", "CREATEDB"))));
    CatalogSnapshot createRole = snapshot(ADMIN, Optional.empty(), roles(chain("dba", attr("dba", "CREATEDB", "CREATEROLE"))));
    CatalogSnapshot superuser = snapshot(ADMIN, Optional.empty(), roles(chain("dba", superuser("dba"))));
    DbUserPolicy allowCreateDb = DbUserPolicy.from(tradingDatabase(null, List.of(RoleAttribute.CREATEDB)));
    DbUserPolicy allowAll = DbUserPolicy.from(tradingDatabase(null, List.of(RoleAttribute.values())));
    DbUserModel model = DbUserModel.from(user);

    assertThat(PrivilegeGuard.memberships(model, createDb, DbUserPolicy.defaults())).isPresent();
    assertThat(PrivilegeGuard.memberships(model, createDb, allowCreateDb)).isEmpty();
    assertThat(PrivilegeGuard.memberships(model, createRole, allowCreateDb))
        .hasValueSatisfying(m -> assertThat(m).contains("with CREATEROLE").doesNotContain("CREATEDB"));
    assertThat(PrivilegeGuard.memberships(model, superuser, allowAll))
        .hasValueSatisfying(m -> assertThat(m).contains("it is the superuser dba"));
  }

  // ---- adoption of existing roles (RoleConflict) ----

  static Stream<Arguments> notAdopted() {
    return Stream.of(
        Arguments.of("a superuser", chain("victim", superuser("victim")), "has SUPERUSER"),
        Arguments.of("a replication login like standby", chain("victim", attr("victim", "REPLICATION")), "has REPLICATION"),
        Arguments.of("a role with CREATEROLE", chain("victim", creator("victim")), "has CREATEROLE"),
        Arguments.of("a role with CREATEDB", chain("victim", attr("victim", "CREATEDB")), "has CREATEDB"),
        Arguments.of("a role with BYPASSRLS", chain("victim", attr("victim", "BYPASSRLS")), "has BYPASSRLS"),
        Arguments.of("a member of a superuser", chain("victim", plain("victim"), superuser("boss")),
            "cannot be adopted: it is a member of the superuser boss"),
        Arguments.of("a member of pg_execute_server_program",
            chain("victim", plain("victim"), plain("pg_execute_server_program")), "pg_execute_server_program"),
        Arguments.of("a member of the pooler's role", chain("victim", plain("victim"), plain("tradingdb_pooler")),
            "the operator's own role tradingdb_pooler"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notAdopted")
  void privilegedRolesAreNeverAdopted(String name, Map.Entry<String, Set<ReachableRole>> victim, String message) {
    CatalogSnapshot catalog = snapshot(ADMIN, Optional.of(existing()), roles(victim));
    assertThat(PrivilegeGuard.adoption("victim", catalog, DbUserPolicy.defaults()))
        .hasValueSatisfying(m -> assertThat(m).contains(message));
  }

  @Test
  void anOrdinaryRoleIsAdopted() {
    CatalogSnapshot catalog = snapshot(ADMIN, Optional.of(existing()),
        roles(chain("legacy", plain("legacy"), plain("readers"), plain("pg_read_all_data"))));
    assertThat(PrivilegeGuard.adoption("legacy", catalog, DbUserPolicy.defaults())).isEmpty();
  }

  // ---- the planner: duplicates collapse, grants in system schemas are revoked ----

  @Test
  void duplicateMembershipsAndPrivilegesCollapseToOneStatementEach() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setMemberOf(List.of("readers", "readers", "readers"));
    PrivilegesSpec privileges = user.getSpec().getPrivileges();
    privileges.setTables(new ArrayList<>(List.of(
        new TableGrant("public", List.of("news_articles", "news_articles"), List.of(TablePrivilege.SELECT, TablePrivilege.SELECT)),
        new TableGrant("public", List.of("news_articles"), List.of(TablePrivilege.SELECT, TablePrivilege.INSERT)))));
    privileges.setSequences(null);
    privileges.setSchemas(List.of(new SchemaGrant("public", List.of(SchemaPrivilege.USAGE, SchemaPrivilege.USAGE)),
        new SchemaGrant("public", List.of(SchemaPrivilege.USAGE))));
    CatalogSnapshot catalog = new CatalogSnapshot("ai_trading", ADMIN, true, Optional.empty(), Set.of(), Set.of(), Set.of(),
        Map.of("public", new SchemaContents(Set.of("news_articles"), Set.of())), Set.of("readers"),
        roles(chain("readers", plain("readers"))));

    GrantPlan plan = GrantPlanner.plan(DbUserModel.from(user).role(), catalog, new PasswordIntent("pw-pw-pw-pw-pw-pw", false), "m");

    assertThat(plan.plan().descriptions()).filteredOn(d -> d.startsWith("GRANT")).containsExactly(
        "GRANT \"readers\" TO \"news_writer\"",
        "GRANT CONNECT ON DATABASE \"ai_trading\" TO \"news_writer\"",
        "GRANT USAGE ON SCHEMA \"public\" TO \"news_writer\"",
        "GRANT SELECT, INSERT ON TABLE \"public\".\"news_articles\" TO \"news_writer\"");
  }

  @Test
  void privilegesARoleAlreadyHoldsInSystemSchemasAreRevoked() {
    // For example granted by an earlier operator version, or to a role before it was adopted.
    DesiredRole role = DbUserModel.from(DbUserFixtures.load("app-user.yaml")).role();
    Set<ObjectPrivilege> held = new HashSet<>(Set.of(
        new ObjectPrivilege(ObjectRef.database("ai_trading"), "CONNECT"),
        new ObjectPrivilege(ObjectRef.table("pg_catalog", "pg_authid"), "SELECT"),
        new ObjectPrivilege(ObjectRef.schema("information_schema"), "CREATE"),
        new ObjectPrivilege(ObjectRef.table("information_schema", "sql_features"), "INSERT")));
    RoleState state = new RoleState(42, RoleAttributes.application(true, true, -1, null), "m",
        ScramPasswords.hash("pw-pw-pw-pw-pw-pw"), Set.of());
    CatalogSnapshot catalog = new CatalogSnapshot("ai_trading", ADMIN, true, Optional.of(state), held, Set.of(), Set.of(),
        Map.of("public", new SchemaContents(Set.of("news_articles"), Set.of("news_articles_id_seq"))), Set.of(), Map.of());

    GrantPlan plan = GrantPlanner.plan(role, catalog, new PasswordIntent("pw-pw-pw-pw-pw-pw", false), "m");

    assertThat(plan.plan().descriptions()).contains(
        "REVOKE SELECT ON TABLE \"pg_catalog\".\"pg_authid\" FROM \"news_writer\"",
        "REVOKE CREATE ON SCHEMA \"information_schema\" FROM \"news_writer\"",
        "REVOKE INSERT ON TABLE \"information_schema\".\"sql_features\" FROM \"news_writer\"");
  }

  // ---- helpers ----

  private static Arguments spec(String name, Consumer<DbUser> hostile, String message) {
    return Arguments.of(name, hostile, message);
  }

  private static Arguments catalog(String name, List<String> memberOf, Map<String, Set<ReachableRole>> reachable, String message) {
    return catalog(name, memberOf, reachable, message, ADMIN);
  }

  private static Arguments catalog(
      String name, List<String> memberOf, Map<String, Set<ReachableRole>> reachable, String message, String admin) {
    return Arguments.of(name, memberOf, reachable, message, admin);
  }

  private static void adopt(DbUser user, String role) {
    user.getSpec().setRoleName(role);
    user.getSpec().setAdopt(true);
  }

  private static PrivilegesSpec privileges(DbUser user) {
    PrivilegesSpec privileges = user.getSpec().getPrivileges();
    privileges.setTables(new ArrayList<>());
    privileges.setSequences(null);
    return privileges;
  }

  private static void tables(DbUser user, String schema, List<String> names, TablePrivilege privilege) {
    privileges(user).getTables().add(new TableGrant(schema, names, List.of(privilege)));
  }

  private static void allTables(DbUser user, String schema, TablePrivilege... privileges) {
    TableGrant grant = new TableGrant(schema, null, List.of(privileges));
    grant.setAllTables(true);
    privileges(user).getTables().add(grant);
  }

  private static void sequences(DbUser user, String schema) {
    SequenceGrant grant = new SequenceGrant();
    grant.setSchema(schema);
    grant.setAllSequences(true);
    grant.setPrivileges(List.of(SequencePrivilege.USAGE));
    privileges(user).setSequences(List.of(grant));
  }

  private static void schemas(DbUser user, String schema, SchemaPrivilege... privileges) {
    privileges(user).setSchemas(List.of(new SchemaGrant(schema, List.of(privileges))));
  }

  private static void defaults(DbUser user, String schema) {
    DefaultPrivilegeGrant grant = new DefaultPrivilegeGrant();
    grant.setSchema(schema);
    grant.setObjectType(DefaultObjectType.TABLES);
    grant.setPrivileges(List.of("SELECT"));
    privileges(user).setDefaultPrivileges(List.of(grant));
  }

  private static TradingDatabase tradingDatabase(List<PredefinedRole> roles, List<RoleAttribute> attributes) {
    DbUsersSpec dbUsers = new DbUsersSpec();
    dbUsers.setAllowedPredefinedRoles(roles);
    dbUsers.setAllowedRoleAttributes(attributes);
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setDbUsers(dbUsers);
    TradingDatabase tdb = new TradingDatabase();
    tdb.setSpec(spec);
    return tdb;
  }

  private static RoleState existing() {
    return new RoleState(7, RoleAttributes.application(true, true, -1, null), null, null, Set.of());
  }

  private static CatalogSnapshot snapshot(String admin, Optional<RoleState> role, Map<String, Set<ReachableRole>> reachable) {
    return new CatalogSnapshot("ai_trading", admin, true, role, Set.of(), Set.of(), Set.of(), Map.of(),
        reachable.keySet(), reachable);
  }

  @SafeVarargs
  private static Map<String, Set<ReachableRole>> roles(Map.Entry<String, Set<ReachableRole>>... entries) {
    Map<String, Set<ReachableRole>> map = new HashMap<>();
    for (Map.Entry<String, Set<ReachableRole>> e : entries) {
      map.put(e.getKey(), e.getValue());
    }
    return map;
  }

  private static Map.Entry<String, Set<ReachableRole>> chain(String origin, ReachableRole... reachable) {
    return Map.entry(origin, Set.of(reachable));
  }

  private static ReachableRole plain(String name) {
    return new ReachableRole(name, false, false, false, false, false);
  }

  private static ReachableRole superuser(String name) {
    return new ReachableRole(name, true, false, false, false, false);
  }

  private static ReachableRole creator(String name) {
    return attr(name, "CREATEROLE");
  }

  private static ReachableRole attr(String name, String... attributes) {
    List<String> a = List.of(attributes);
    return new ReachableRole(name, false, a.contains("CREATEROLE"), a.contains("CREATEDB"), a.contains("REPLICATION"),
        a.contains("BYPASSRLS"));
  }
}
