package io.tradingdb.operator.dbuser;

import org.junit.jupiter.api.extension.ExtendWith;
import io.tradingdb.operator.testsupport.RecordMockSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tradingdb.operator.api.v1alpha1.dbuser.DatabasePrivilege;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUserSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.PrivilegesSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaPrivilege;
import io.tradingdb.operator.api.v1alpha1.dbuser.TableGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.TablePrivilege;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile role, schema and table names through the whole reconciler against the real server. For
 * each name the catalog must show exactly the intended role and grants, the sentinels must still
 * exist, the role must log in and read its table, and a second pass must execute nothing.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(RecordMockSecrets.class)
class HostileNamesIT {

  static KubernetesClient client;

  private static TestDatabase db;
  private static PostgresConnections connections;
  private static DbUserReconciler reconciler;
  private static String sentinelRole;
  private static final String SCHEMA = "s\"; DROP SCHEMA public CASCADE; --";
  private static final AtomicInteger counter = new AtomicInteger();

  @BeforeAll
  static void setUp() throws SQLException {
    db = TestDatabase.create("dbuser_hostile", client);
    sentinelRole = db.role("sentinel");
    db.exec("CREATE ROLE " + SqlQuote.identifier(sentinelRole),
        "CREATE TABLE sentinel (x int)",
        "CREATE SCHEMA " + SqlQuote.identifier(SCHEMA));
    for (String name : acceptedNames().toList()) {
      db.exec("CREATE TABLE " + SqlQuote.qualified(SCHEMA, name) + " (x int)",
          "INSERT INTO " + SqlQuote.qualified(SCHEMA, name) + " VALUES (1)");
    }
    connections = new PostgresConnections();
    reconciler = DbUserFixtures.reconciler(client, connections, Clock.systemUTC());
  }

  @AfterAll
  static void tearDown() throws SQLException {
    connections.close();
    db.close();
  }

  /** Every entry carries the run's tag so it cannot collide with another run's roles. */
  static Stream<String> acceptedNames() {
    String tag = tag();
    String dropSentinel = "\"; DROP ROLE \"" + "sentinel_" + tag + "\"; --";
    return Stream.of(
        "it's_" + tag,
        "a\"b_" + tag,
        "\"" + tag,
        "\"\"" + tag + "\"\"",
        "x; DROP ROLE sentinel; --" + tag,
        dropSentinel,
        "'; DROP TABLE sentinel; --" + tag,
        "' OR '1'='1" + tag,
        "back\\slash\\" + tag,
        "\\'" + tag,
        "E'\\x41'" + tag,
        "U&\"\\0041\"" + tag,
        "$$; DROP ROLE x; $$" + tag,
        "/* c */" + tag,
        "--" + tag,
        "$1 %s {0} ?" + tag,
        "ünïcødé_" + tag,
        "日本語ロール_" + tag,
        "🚀rocket_" + tag,
        "select " + tag,
        "Select" + tag,
        "CaseRole_" + tag,
        "caserole_" + tag,
        "CASEROLE_" + tag,
        "user" + tag,
        tag + "a".repeat(63 - tag.length()),
        tag + "é".repeat((63 - tag.length()) / 2));
  }

  static String tag() {
    return db.tag;
  }

  @ParameterizedTest
  @MethodSource("acceptedNames")
  void aHostileNameGetsExactlyItsRoleAndGrantsAndNothingElseHappens(String name) throws SQLException {
    db.track(name);
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    DbUser user = hostileUser(name);

    reconciler.reconcile(user, null);

    assertThat(Conditions.isTrue(user.getStatus().getConditions(), Conditions.READY))
        .as(user.getStatus().getConditions().toString()).isTrue();
    assertThat(rolesNamed(name)).containsExactly(name);
    assertThat(grantsOf(name)).containsExactlyInAnyOrder(
        "DATABASE " + db.name + " CONNECT",
        "SCHEMA " + SCHEMA + " USAGE",
        "TABLE " + SCHEMA + "." + name + " SELECT");
    assertSentinelsIntact();
    String password = ConnectionSecrets.decode(client.secrets().inNamespace(TestDatabase.NAMESPACE)
        .withName(DbUserModel.connectionSecretName(user)).get()).get("password");
    try (Connection c = TestPostgres.connect(db.name, name, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT x FROM " + SqlQuote.qualified(SCHEMA, name))) {
      assertThat(rs.next()).isTrue();
    }

    long before = reconciler.statementsExecuted();
    reconciler.reconcile(user, null);
    assertThat(reconciler.statementsExecuted()).isEqualTo(before);
  }

  @Test
  void namesTooLongOrReservedAreRefusedBeforeAnySql() throws SQLException {
    String tag = tag();
    List<String> refused = List.of(
        tag + "b".repeat(64 - tag.length()),
        tag + "é".repeat(29),
        "pg_" + tag,
        "public",
        "none");
    for (String name : refused) {
      DbUser user = hostileUser(name);
      reconciler.reconcile(user, null);
      assertThat(Conditions.find(user.getStatus().getConditions(), Conditions.DEGRADED))
          .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo(DbUserReconciler.REASON_INVALID_SPEC));
      assertThat(rolesNamed(name)).isEmpty();
    }
    // The server would have truncated 64 bytes to 63: that role must not exist either.
    assertThat(rolesNamed(tag + "b".repeat(63 - tag.length()))).isEmpty();
    assertSentinelsIntact();
  }

  private static DbUser hostileUser(String roleName) {
    DbUserSpec spec = new DbUserSpec();
    spec.setTarget(db.target(TestPostgres.port()));
    spec.setRoleName(roleName);
    PrivilegesSpec privileges = new PrivilegesSpec();
    privileges.setDatabase(List.of(DatabasePrivilege.CONNECT));
    privileges.setSchemas(List.of(new SchemaGrant(SCHEMA, List.of(SchemaPrivilege.USAGE))));
    privileges.setTables(List.of(new TableGrant(SCHEMA, List.of(roleName), List.of(TablePrivilege.SELECT))));
    spec.setPrivileges(privileges);
    DbUser user = new DbUser();
    user.setMetadata(new ObjectMetaBuilder().withName("hostile-" + counter.incrementAndGet())
        .withNamespace(TestDatabase.NAMESPACE).withGeneration(1L).build());
    user.setSpec(spec);
    DbUser stored = client.resources(DbUser.class).inNamespace(TestDatabase.NAMESPACE).resource(user).create();
    user.getMetadata().setUid(stored.getMetadata().getUid());
    return user;
  }

  private static Set<String> rolesNamed(String name) throws SQLException {
    return strings("SELECT rolname FROM pg_roles WHERE rolname = ?", name);
  }

  /** Every privilege the role holds in the database, read with aclexplode independently of the operator. */
  private static Set<String> grantsOf(String role) throws SQLException {
    return strings("""
        WITH r AS (SELECT oid FROM pg_roles WHERE rolname = ?)
        SELECT 'DATABASE ' || d.datname || ' ' || a.privilege_type
          FROM pg_database d, aclexplode(d.datacl) a, r WHERE a.grantee = r.oid
        UNION ALL
        SELECT 'SCHEMA ' || n.nspname || ' ' || a.privilege_type
          FROM pg_namespace n, aclexplode(n.nspacl) a, r WHERE a.grantee = r.oid
        UNION ALL
        SELECT 'TABLE ' || n.nspname || '.' || c.relname || ' ' || a.privilege_type
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a, r
          WHERE a.grantee = r.oid
        UNION ALL
        SELECT 'DEFAULT ' || a.privilege_type FROM pg_default_acl d, aclexplode(d.defaclacl) a, r
          WHERE a.grantee = r.oid
        UNION ALL
        SELECT 'MEMBER OF ' || m.roleid::regrole::text FROM pg_auth_members m, r WHERE m.member = r.oid""", role);
  }

  private static void assertSentinelsIntact() throws SQLException {
    assertThat(rolesNamed(sentinelRole)).containsExactly(sentinelRole);
    assertThat(strings("SELECT tablename FROM pg_tables WHERE tablename = ?", "sentinel")).containsExactly("sentinel");
    assertThat(strings("SELECT nspname FROM pg_namespace WHERE nspname = ?", "public")).containsExactly("public");
    assertThat(strings("SELECT nspname FROM pg_namespace WHERE nspname = ?", SCHEMA)).containsExactly(SCHEMA);
  }

  private static Set<String> strings(String sql, String parameter) throws SQLException {
    Set<String> result = new TreeSet<>();
    try (Connection c = db.admin(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(rs.getString(1));
        }
      }
    }
    return result;
  }
}
