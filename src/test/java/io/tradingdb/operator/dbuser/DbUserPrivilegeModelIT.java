package io.tradingdb.operator.dbuser;

import org.junit.jupiter.api.extension.ExtendWith;
import io.tradingdb.operator.testsupport.RecordMockSecrets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUserSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.PasswordSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReclaimPolicy;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaPrivilege;
import io.tradingdb.operator.api.v1alpha1.dbuser.TableGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.TablePrivilege;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.DbUsersSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RoleAttribute;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.RoleCatalog;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.workload.ClusterSecrets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The five critical findings of the DbUser privilege model, each the way it was found: against the
 * real PostgreSQL, a hostile spec is refused with one Event and no statement executed, and where a
 * role exists, logging in as it shows the dangerous action fails. See docs/security.md.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(RecordMockSecrets.class)
class DbUserPrivilegeModelIT {

  static KubernetesClient client;

  private static TestDatabase db;
  private static PostgresConnections connections;
  private static DbUserReconciler reconciler;
  private static String boss;
  private static String via;
  private static String deep;
  private static String mixedCaseBoss;
  private static String shell;
  private static final List<String> operatorRolesCreated = new ArrayList<>();
  private static final String STANDBY_PASSWORD = "standby-" + UUID.randomUUID();
  private static final String MONITOR_PASSWORD = "monitor-" + UUID.randomUUID();

  @BeforeAll
  static void setUp() throws SQLException {
    db = TestDatabase.create("dbuser_privileges", client);
    boss = db.role("boss");
    via = db.role("via");
    deep = db.role("deep");
    mixedCaseBoss = db.role("Boss");
    shell = db.role("shell");
    String mid = db.role("mid");
    db.exec(
        "CREATE TABLE news_articles (id serial PRIMARY KEY, title text NOT NULL)",
        "CREATE ROLE " + q(boss) + " SUPERUSER NOLOGIN",
        "CREATE ROLE " + q(mixedCaseBoss) + " SUPERUSER NOLOGIN",
        "CREATE ROLE " + q(via) + " NOLOGIN IN ROLE " + q(boss),
        "CREATE ROLE " + q(mid) + " NOLOGIN IN ROLE " + q(via),
        "CREATE ROLE " + q(deep) + " NOLOGIN IN ROLE " + q(mid),
        "CREATE ROLE " + q(shell) + " NOLOGIN IN ROLE pg_execute_server_program, pg_read_server_files");
    // The operator's own roles as the operator creates them, each with a password this test knows.
    try (Connection admin = db.admin(); Statement s = admin.createStatement()) {
      if (!db.roleExists(ClusterSecrets.REPLICATION_USER)) {
        s.execute("CREATE ROLE " + q(ClusterSecrets.REPLICATION_USER) + " LOGIN REPLICATION");
        operatorRolesCreated.add(ClusterSecrets.REPLICATION_USER);
      }
      s.execute("ALTER ROLE " + q(ClusterSecrets.REPLICATION_USER) + " LOGIN REPLICATION PASSWORD "
          + SqlQuote.literal(STANDBY_PASSWORD));
      for (String role : List.of(PoolerAuthSetup.ROLE, MonitoringRoleSetup.ROLE)) {
        if (!db.roleExists(role)) {
          operatorRolesCreated.add(role);
        }
      }
      PoolerAuthSetup.apply(admin, db.name, PoolerAuthSetup.ROLE, "pooler-" + UUID.randomUUID());
      MonitoringRoleSetup.apply(admin, db.name, MONITOR_PASSWORD);
    }
    connections = new PostgresConnections();
    reconciler = DbUserFixtures.reconciler(client, connections, Clock.systemUTC());
  }

  @AfterAll
  static void tearDown() throws SQLException {
    connections.close();
    db.close();
    try (Connection c = TestPostgres.connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      for (String role : operatorRolesCreated) {
        s.execute("DROP ROLE IF EXISTS " + q(role));
      }
    }
  }

  /** Finding 1: membership in a superuser, directly, by another name, three levels down, or by a mixed-case name. */
  @Test
  void superuserByMembershipIsRefusedAndTheRoleCannotSetRoleToASuperuser() throws SQLException {
    DbUser user = readyUser("superuser-seeker");

    refused(user, s -> s.setMemberOf(List.of("postgres")), DbUserReconciler.REASON_INVALID_SPEC,
        "spec.memberOf may not name postgres");
    refused(user, s -> s.setMemberOf(List.of(boss)), DbUserReconciler.REASON_INVALID_SPEC,
        "spec.memberOf " + boss + ": it is the superuser " + boss);
    refused(user, s -> s.setMemberOf(List.of(via)), DbUserReconciler.REASON_INVALID_SPEC,
        "it is a member of the superuser " + boss);
    refused(user, s -> s.setMemberOf(List.of(deep)), DbUserReconciler.REASON_INVALID_SPEC,
        "it is a member of the superuser " + boss);
    refused(user, s -> s.setMemberOf(List.of(mixedCaseBoss)), DbUserReconciler.REASON_INVALID_SPEC,
        "it is the superuser " + mixedCaseBoss);

    assertThat(memberships(user)).isEmpty();
    try (Connection role = connectAs(user)) {
      assertAllowed(role, "SELECT 1");
      assertDenied(role, "SET ROLE postgres");
      assertDenied(role, "SET ROLE " + q(boss));
      assertDenied(role, "SET ROLE " + q(via));
      assertDenied(role, "CREATE ROLE " + q(db.role("made_by_app")));
    }
  }

  /** Finding 2: the server-access roles, directly or through an ordinary-looking role. */
  @Test
  void serverAccessRolesAreRefusedAndCopyToProgramFails() throws SQLException {
    DbUser user = readyUser("shell-seeker");

    refused(user, s -> s.setMemberOf(List.of("pg_execute_server_program")), DbUserReconciler.REASON_INVALID_SPEC,
        "spec.memberOf may not name pg_execute_server_program");
    refused(user, s -> s.setMemberOf(List.of("pg_read_server_files")), DbUserReconciler.REASON_INVALID_SPEC,
        "spec.memberOf may not name pg_read_server_files");
    refused(user, s -> s.setMemberOf(List.of("readers_ok", shell)), DbUserReconciler.REASON_INVALID_SPEC,
        "it is a member of pg_execute_server_program");
    refused(user, s -> s.setMemberOf(List.of("pg_checkpoint")), DbUserReconciler.REASON_INVALID_SPEC,
        "pg_checkpoint, which is not in the allowed list");

    assertThat(memberships(user)).isEmpty();
    try (Connection role = connectAs(user)) {
      assertAllowed(role, "SELECT 1");
      assertDenied(role, "COPY (SELECT 1) TO PROGRAM 'id'");
      assertDenied(role, "COPY news_articles FROM PROGRAM 'id'");
      assertDenied(role, "SELECT pg_read_file('postgresql.conf')");
      assertDenied(role, "SET ROLE " + q(shell));
    }
  }

  /** Finding 3: pg_authid, also under other spellings; a grant held from before is revoked. */
  @Test
  void catalogGrantsAreRefusedHeldOnesRevokedAndPasswordHashesStayUnreadable() throws SQLException {
    DbUser user = readyUser("hash-reader");
    String role = user.getSpec().getRoleName();

    refused(user, s -> tables(s, "pg_catalog", TablePrivilege.SELECT), DbUserReconciler.REASON_INVALID_SPEC,
        "pg_catalog is a system schema");
    refused(user, s -> tables(s, "PG_CATALOG", TablePrivilege.SELECT), DbUserReconciler.REASON_INVALID_SPEC,
        "PG_CATALOG is a system schema");
    // A Cyrillic look-alike is another schema: it does not exist, so nothing is granted anywhere.
    DbUser lookAlike = copy(user, s -> tables(s, "рg_catalog", TablePrivilege.SELECT));
    reconciler.reconcile(lookAlike, null);
    assertCondition(lookAlike, DbUserReconciler.REASON_OBJECT_MISSING, "schema рg_catalog");

    // As an earlier operator version did: the grant is found in the catalog and revoked.
    db.exec("GRANT SELECT ON pg_catalog.pg_authid TO " + q(role));
    try (Connection c = connectAs(user)) {
      assertAllowed(c, "SELECT rolpassword FROM pg_authid LIMIT 1");
    }
    reconciler.reconcile(user, null);
    assertReady(user);
    try (Connection c = connectAs(user)) {
      assertAllowed(c, "SELECT 1");
      assertDenied(c, "SELECT rolpassword FROM pg_authid");
      assertDenied(c, "SELECT passwd FROM pg_shadow");
    }
  }

  /** Finding 4: CREATE on information_schema and writes to its relations. */
  @Test
  void informationSchemaGrantsAreRefusedHeldOnesRevokedAndTheCatalogViewsStayReadOnly() throws SQLException {
    DbUser user = readyUser("catalog-writer");
    String role = user.getSpec().getRoleName();

    refused(user, s -> s.getPrivileges().setSchemas(List.of(
        new SchemaGrant("information_schema", List.of(SchemaPrivilege.USAGE, SchemaPrivilege.CREATE)))),
        DbUserReconciler.REASON_INVALID_SPEC, "information_schema is a system schema");
    refused(user, s -> {
      TableGrant all = new TableGrant("information_schema", null, List.of(TablePrivilege.INSERT, TablePrivilege.TRUNCATE));
      all.setAllTables(true);
      s.getPrivileges().setTables(new ArrayList<>(List.of(all)));
    }, DbUserReconciler.REASON_INVALID_SPEC, "information_schema is a system schema");
    refused(user, s -> s.getPrivileges().setSchemas(List.of(new SchemaGrant("pg_temp", List.of(SchemaPrivilege.CREATE)))),
        DbUserReconciler.REASON_INVALID_SPEC, "pg_temp is a system schema");

    db.exec("GRANT CREATE ON SCHEMA information_schema TO " + q(role),
        "GRANT INSERT, TRUNCATE ON information_schema.sql_features TO " + q(role));
    reconciler.reconcile(user, null);
    assertReady(user);
    try (Connection c = connectAs(user)) {
      assertAllowed(c, "SELECT count(*) FROM information_schema.sql_features");
      assertDenied(c, "CREATE TABLE information_schema.planted (x int)");
      assertDenied(c, "CREATE VIEW information_schema.tables_v AS SELECT 1");
      assertDenied(c, "INSERT INTO information_schema.sql_features (feature_id) VALUES ('X')");
      assertDenied(c, "TRUNCATE information_schema.sql_features");
    }
  }

  /** Finding 5: the operator's own roles keep their attributes and passwords. */
  @Test
  void theOperatorsOwnRolesAreNeitherAdoptedNorGranted() throws SQLException {
    String standbyBefore = verifier(ClusterSecrets.REPLICATION_USER);
    String monitorBefore = verifier(MonitoringRoleSetup.ROLE);
    for (String reserved : List.of(ClusterSecrets.REPLICATION_USER, PoolerAuthSetup.ROLE, MonitoringRoleSetup.ROLE)) {
      DbUser takeover = create(db.user("app-user.yaml", "takeover-" + reserved.replace('_', '-')));
      takeover.getSpec().setRoleName(reserved);
      takeover.getSpec().setAdopt(true);
      takeover.getSpec().setReclaimPolicy(ReclaimPolicy.DELETE);
      refusedFresh(takeover, DbUserReconciler.REASON_INVALID_SPEC, "spec.roleName '" + reserved + "' is reserved");
      // Deleting it drops nothing either.
      assertThat(reconciler.cleanup(takeover, null).isRemoveFinalizer()).isTrue();
      assertThat(db.roleExists(reserved)).isTrue();
    }
    DbUser friend = readyUser("lookup-friend");
    refused(friend, s -> s.setMemberOf(List.of(PoolerAuthSetup.ROLE)), DbUserReconciler.REASON_INVALID_SPEC,
        "spec.memberOf may not name tradingdb_pooler");
    refused(friend, s -> s.setMemberOf(List.of(ClusterSecrets.REPLICATION_USER)), DbUserReconciler.REASON_INVALID_SPEC,
        "spec.memberOf may not name standby");

    assertThat(verifier(ClusterSecrets.REPLICATION_USER)).isEqualTo(standbyBefore);
    assertThat(verifier(MonitoringRoleSetup.ROLE)).isEqualTo(monitorBefore);
    assertThat(scalar("SELECT rolreplication::text FROM pg_roles WHERE rolname = 'standby'")).isEqualTo("true");
    TestPostgres.connect(db.name, ClusterSecrets.REPLICATION_USER, STANDBY_PASSWORD).close();
    TestPostgres.connect(db.name, MonitoringRoleSetup.ROLE, MONITOR_PASSWORD).close();
    try (Connection c = connectAs(friend)) {
      assertAllowed(c, "SELECT 1");
      assertDenied(c, "SELECT * FROM " + SqlQuote.qualified(PoolerAuthSetup.SCHEMA, PoolerAuthSetup.FUNCTION) + "('postgres')");
      assertDenied(c, "SET ROLE " + q(ClusterSecrets.REPLICATION_USER));
    }
  }

  /** Roles with the standby's powers under another name, and the admin role of an external target. */
  @Test
  void privilegedRolesAndTheExternalAdminRoleAreNotAdopted() throws SQLException {
    String replicator = db.role("replicator");
    String extAdmin = db.role("ext_admin");
    String extAdminPassword = "ext-" + UUID.randomUUID();
    db.exec("CREATE ROLE " + q(replicator) + " LOGIN REPLICATION PASSWORD 'replicator-secret'",
        "CREATE ROLE " + q(extAdmin) + " LOGIN CREATEROLE PASSWORD " + SqlQuote.literal(extAdminPassword),
        "GRANT CONNECT ON DATABASE " + q(db.name) + " TO " + q(extAdmin));
    String replicatorBefore = verifier(replicator);

    DbUser takeover = create(db.user("app-user.yaml", "replicator-takeover"));
    takeover.getSpec().setRoleName(replicator);
    takeover.getSpec().setAdopt(true);
    refusedFresh(takeover, DbUserReconciler.REASON_ROLE_CONFLICT, "has REPLICATION; the operator never adopts");
    assertThat(verifier(replicator)).isEqualTo(replicatorBefore);
    assertThat(scalar("SELECT rolreplication::text FROM pg_roles WHERE rolname = " + SqlQuote.literal(replicator)))
        .isEqualTo("true");

    // An external target whose admin is not a superuser and not called postgres.
    client.secrets().inNamespace(TestDatabase.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName("ext-admin").withNamespace(TestDatabase.NAMESPACE).endMetadata()
        .withStringData(Map.of("username", extAdmin, "password", extAdminPassword)).build()).createOr(op -> op.update());
    DbUser adminTakeover = create(db.user("app-user.yaml", "ext-admin-takeover"));
    adminTakeover.getSpec().getTarget().getExternal().setCredentialsSecretRef(new LocalObjectRef("ext-admin"));
    adminTakeover.getSpec().setRoleName(extAdmin);
    adminTakeover.getSpec().setAdopt(true);
    refusedFresh(adminTakeover, DbUserReconciler.REASON_ROLE_CONFLICT, "is the admin role the operator connects as");

    DbUser adminFriend = create(db.user("app-user.yaml", "ext-admin-friend"));
    adminFriend.getSpec().getTarget().getExternal().setCredentialsSecretRef(new LocalObjectRef("ext-admin"));
    adminFriend.getSpec().getPrivileges().setTables(null);
    adminFriend.getSpec().getPrivileges().setSequences(null);
    adminFriend.getSpec().setMemberOf(List.of(extAdmin));
    refusedFresh(adminFriend, DbUserReconciler.REASON_INVALID_SPEC, "it is the admin role the operator connects as");
    assertThat(db.roleExists(adminFriend.getSpec().getRoleName())).isFalse();
    TestPostgres.connect(db.name, extAdmin, extAdminPassword).close();
  }

  /** Attributes change after admission: the next plan refuses, executes nothing, and heals when they are undone. */
  @Test
  void aRoleGivenAPrivilegedAttributeAfterAdmissionIsRefusedAtPlanTime() throws SQLException {
    String team = db.role("team");
    db.exec("CREATE ROLE " + q(team) + " NOLOGIN");
    DbUser user = create(db.user("app-user.yaml", "team-member"));
    user.getSpec().setMemberOf(List.of(team));
    reconciler.reconcile(user, null);
    assertReady(user);
    assertThat(memberships(user)).containsExactly(team);

    db.exec("ALTER ROLE " + q(team) + " CREATEROLE");
    refusedAgain(user, DbUserReconciler.REASON_INVALID_SPEC, "spec.memberOf " + team + ": it is role " + team + " with CREATEROLE");
    db.exec("ALTER ROLE " + q(team) + " NOCREATEROLE");
    reconciler.reconcile(user, null);
    assertReady(user);

    db.exec("GRANT " + q(via) + " TO " + q(team));
    refusedAgain(user, DbUserReconciler.REASON_INVALID_SPEC, "it is a member of the superuser " + boss);
    db.exec("REVOKE " + q(via) + " FROM " + q(team));
    reconciler.reconcile(user, null);
    assertReady(user);

    // The DbUser's own role given CREATEROLE by an admin: the plan takes it away again.
    db.exec("ALTER ROLE " + q(user.getSpec().getRoleName()) + " CREATEROLE");
    reconciler.reconcile(user, null);
    assertReady(user);
    try (Connection c = connectAs(user)) {
      assertAllowed(c, "SELECT 1");
      assertDenied(c, "CREATE ROLE " + q(db.role("made_by_member")));
    }
  }

  /** The TradingDatabase's spec.dbUsers against the real membership graph (predefined roles included). */
  @Test
  void theTradingDatabasePolicyIsAppliedToTheRealCatalog() throws SQLException {
    String builders = db.role("builders");
    String monitors = db.role("monitors");
    db.exec("CREATE ROLE " + q(builders) + " NOLOGIN CREATEDB", "CREATE ROLE " + q(monitors) + " NOLOGIN IN ROLE pg_monitor");
    DbUser user = db.user("app-user.yaml", "policy-check");
    user.getSpec().setMemberOf(List.of(builders, monitors, "pg_read_all_stats"));
    DbUserModel model = DbUserModel.from(user);
    DbUsersSpec allowCreateDb = new DbUsersSpec();
    allowCreateDb.setAllowedRoleAttributes(List.of(RoleAttribute.CREATEDB));
    DbUsersSpec nothing = new DbUsersSpec();
    nothing.setAllowedPredefinedRoles(List.of());
    nothing.setAllowedRoleAttributes(List.of(RoleAttribute.CREATEDB));

    assertThat(check(model, DbUserPolicy.defaults())).hasValueSatisfying(m -> assertThat(m).contains("with CREATEDB"));
    assertThat(check(model, DbUserPolicy.from(tradingDatabase(allowCreateDb)))).isEmpty();
    assertThat(check(model, DbUserPolicy.from(tradingDatabase(nothing))))
        .hasValueSatisfying(m -> assertThat(m).contains(monitors + ": it is a member of the predefined role pg_monitor"));
  }

  /** A referenced password is copied into the connection Secret the author reads: never from a credential Secret. */
  @Test
  void aPasswordIsNeverTakenFromTheAdminOrAnotherOperatorSecret() throws SQLException {
    DbUser victim = readyUser("secret-owner");
    int i = 0;
    for (String source : List.of(TestDatabase.ADMIN_SECRET, DbUserModel.connectionSecretName(victim))) {
      DbUser thief = create(db.user("app-user.yaml", "secret-thief-" + i++));
      PasswordSpec password = new PasswordSpec();
      password.setSecretRef(new SecretKeyRef(source, "password"));
      thief.getSpec().setPassword(password);
      refusedFresh(thief, DbUserReconciler.REASON_INVALID_SPEC, "spec.password.secretRef may not name Secret " + source);
      assertThat(client.secrets().inNamespace(TestDatabase.NAMESPACE).withName(DbUserModel.connectionSecretName(thief)).get())
          .isNull();
      assertThat(db.roleExists(thief.getSpec().getRoleName())).isFalse();
    }
  }

  // ---- helpers ----

  private static Optional<String> check(DbUserModel model, DbUserPolicy policy) throws SQLException {
    Set<String> roles = new TreeSet<>(model.role().rolesUsed());
    roles.addAll(policy.predefinedRoles());
    try (Connection c = db.admin()) {
      CatalogSnapshot catalog = RoleCatalog.read(c, model.role().roleName(), List.of(), roles);
      return PrivilegeGuard.memberships(model, catalog, policy);
    }
  }

  private static TradingDatabase tradingDatabase(DbUsersSpec dbUsers) {
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setDatabaseName(db.name);
    spec.setDbUsers(dbUsers);
    TradingDatabase tdb = new TradingDatabase();
    tdb.setSpec(spec);
    return tdb;
  }

  /** A DbUser whose role exists and is Ready, so a hostile change can be judged against it. */
  private static DbUser readyUser(String name) throws SQLException {
    DbUser user = create(db.user("app-user.yaml", name));
    reconciler.reconcile(user, null);
    assertReady(user);
    return user;
  }

  /** The ready user with a hostile change: refused, one Warning Event, nothing executed, the role as it was. */
  private static void refused(DbUser ready, Consumer<DbUserSpec> hostile, String reason, String message) throws SQLException {
    List<String> grantsBefore = grants(ready);
    DbUser changed = copy(ready, hostile);
    refusedAgain(changed, reason, message);
    assertThat(grants(ready)).isEqualTo(grantsBefore);
    assertThat(memberships(ready)).isEmpty();
  }

  /** A DbUser never reconciled before. */
  private static void refusedFresh(DbUser user, String reason, String message) {
    refusedAgain(user, reason, message);
  }

  private static void refusedAgain(DbUser user, String reason, String message) {
    long executed = reconciler.statementsExecuted();
    long events = events(user, reason);
    reconciler.reconcile(user, null);
    assertCondition(user, reason, message);
    assertThat(reconciler.statementsExecuted()).as("statements executed").isEqualTo(executed);
    assertThat(events(user, reason)).as("Warning Events " + reason).isEqualTo(events + 1);
    reconciler.reconcile(user, null);
    assertThat(reconciler.statementsExecuted()).isEqualTo(executed);
    assertThat(events(user, reason)).as("no second Event for the same refusal").isEqualTo(events + 1);
  }

  private static DbUser copy(DbUser user, Consumer<DbUserSpec> change) {
    DbUser copy = Serialization.unmarshal(Serialization.asYaml(user), DbUser.class);
    change.accept(copy.getSpec());
    return copy;
  }

  private static void tables(DbUserSpec spec, String schema, TablePrivilege privilege) {
    spec.getPrivileges().setTables(new ArrayList<>(List.of(new TableGrant(schema, List.of("pg_authid"), List.of(privilege)))));
  }

  private static DbUser create(DbUser user) {
    DbUser stored = client.resources(DbUser.class).inNamespace(TestDatabase.NAMESPACE).resource(user).create();
    user.getMetadata().setUid(stored.getMetadata().getUid());
    return user;
  }

  private static long events(DbUser user, String reason) {
    return client.v1().events().inNamespace(TestDatabase.NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && "Warning".equals(e.getType())
            && user.getMetadata().getName().equals(e.getInvolvedObject().getName()))
        .count();
  }

  private static Connection connectAs(DbUser user) throws SQLException {
    String password = ConnectionSecrets.decode(client.secrets().inNamespace(TestDatabase.NAMESPACE)
        .withName(DbUserModel.connectionSecretName(user)).get()).get("password");
    return TestPostgres.connect(db.name, user.getSpec().getRoleName(), password);
  }

  private static List<String> memberships(DbUser user) throws SQLException {
    return column("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        + "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = " + SqlQuote.literal(user.getSpec().getRoleName()));
  }

  /** Every ACL entry naming the role, in any schema, as text. */
  private static List<String> grants(DbUser user) throws SQLException {
    String role = SqlQuote.literal(user.getSpec().getRoleName());
    return column("SELECT n.nspname || '.' || c.relname || ' ' || a.privilege_type FROM pg_class c "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee "
        + "WHERE r.rolname = " + role + " UNION ALL SELECT n.nspname || ' ' || a.privilege_type FROM pg_namespace n, "
        + "aclexplode(n.nspacl) a JOIN pg_roles r ON r.oid = a.grantee WHERE r.rolname = " + role + " ORDER BY 1");
  }

  private static String verifier(String role) throws SQLException {
    return scalar("SELECT rolpassword FROM pg_authid WHERE rolname = " + SqlQuote.literal(role));
  }

  private static String scalar(String sql) throws SQLException {
    List<String> values = column(sql);
    assertThat(values).as(sql).hasSize(1);
    return values.get(0);
  }

  private static List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private static void assertReady(DbUser user) {
    assertThat(Conditions.isTrue(user.getStatus().getConditions(), Conditions.READY))
        .as(String.valueOf(user.getStatus().getConditions())).isTrue();
  }

  private static void assertCondition(DbUser user, String reason, String message) {
    assertThat(Conditions.find(user.getStatus().getConditions(), Conditions.DEGRADED)).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).as(c.getMessage()).isEqualTo(reason);
      assertThat(c.getMessage()).contains(message);
    });
  }

  private static void assertAllowed(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void assertDenied(Connection c, String sql) {
    assertThatThrownBy(() -> assertAllowed(c, sql)).as(sql)
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501"));
  }

  private static String q(String identifier) {
    return SqlQuote.identifier(identifier);
  }
}
