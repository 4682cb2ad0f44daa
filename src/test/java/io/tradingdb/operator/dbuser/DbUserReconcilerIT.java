package io.tradingdb.operator.dbuser;

import org.junit.jupiter.api.extension.ExtendWith;
import io.tradingdb.operator.testsupport.RecordMockSecrets;
import io.tradingdb.operator.postgres.AdminConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.PasswordSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReclaimPolicy;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaPrivilege;
import io.tradingdb.operator.api.v1alpha1.dbuser.TableGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.TablePrivilege;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.MutableClock;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the real PostgreSQL (its own database) with Secrets and Events on the
 * fabric8 mock API server. Every grant and every denial is proven by logging in as the role.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(RecordMockSecrets.class)
class DbUserReconcilerIT {

  static KubernetesClient client;

  private static TestDatabase db;
  private static PostgresConnections connections;
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private static DbUserReconciler reconciler;
  private static final List<String> passwordsSeen = new ArrayList<>();

  @BeforeAll
  static void setUp() throws SQLException {
    db = TestDatabase.create("dbuser_it", client);
    db.exec(
        "CREATE TABLE news_articles (id serial PRIMARY KEY, title text NOT NULL)",
        "CREATE TABLE prices (symbol text, px numeric)",
        "INSERT INTO news_articles (title) VALUES ('seed')",
        "INSERT INTO prices VALUES ('AAPL', 1)");
    connections = new PostgresConnections();
    reconciler = DbUserFixtures.reconciler(client, connections, clock);
  }

  @AfterAll
  static void tearDown() throws SQLException {
    // No Event may carry a password the operator handled.
    List<Event> events = client.v1().events().inNamespace(TestDatabase.NAMESPACE).list().getItems();
    assertThat(events).isNotEmpty();
    for (Event event : events) {
      for (String password : passwordsSeen) {
        assertThat(event.getMessage()).doesNotContain(password);
      }
    }
    connections.close();
    db.close();
  }

  @Test
  void guideAppUserCanInsertAndUpdateButNotDelete() throws SQLException {
    DbUser user = create(db.user("app-user.yaml", "news-writer"));
    String role = user.getSpec().getRoleName();

    UpdateControl<DbUser> first = reconciler.reconcile(user, null);

    assertReady(user);
    assertThat(first.isPatchStatus()).isTrue();
    assertThat(user.getStatus().getAppliedPrivileges()).contains(
        "CONNECT ON DATABASE " + db.name, "SELECT,INSERT,UPDATE ON TABLE public.news_articles");
    assertThat(user.getStatus().getConnectionSecret()).isEqualTo("news-writer-connection");
    try (Connection app = connectAs(user)) {
      assertAllowed(app, "INSERT INTO news_articles (title) VALUES ('from app')");
      assertAllowed(app, "UPDATE news_articles SET title = 'edited' WHERE title = 'from app'");
      assertAllowed(app, "SELECT count(*) FROM news_articles");
      assertDenied(app, "DELETE FROM news_articles");
      assertDenied(app, "SELECT * FROM prices");
      assertDenied(app, "TRUNCATE news_articles");
    }
    Map<String, String> secret = secret(user);
    assertThat(secret).containsEntry("username", role).containsEntry("dbname", db.name)
        .containsEntry("port", Integer.toString(TestPostgres.port()));
    try (Connection viaUri = DriverManager.getConnection(secret.get("jdbc-uri"))) {
      assertAllowed(viaUri, "SELECT title FROM news_articles LIMIT 1");
    }

    long before = reconciler.statementsExecuted();
    UpdateControl<DbUser> second = reconciler.reconcile(user, null);
    assertThat(reconciler.statementsExecuted()).isEqualTo(before);
    assertThat(second.isNoUpdate()).isTrue();
    assertThat(second.getScheduleDelay()).contains(Duration.ofMinutes(10).toMillis());
  }

  @Test
  void readOnlyUserCanSelectEverythingInPublicIncludingLaterTablesButNotWrite() throws SQLException {
    DbUser user = create(db.user("readonly-user.yaml", "analyst"));
    reconciler.reconcile(user, null);
    assertReady(user);

    // Created after the reconcile by the admin: covered by the default privileges.
    db.exec("CREATE TABLE IF NOT EXISTS later_signals (v int)", "INSERT INTO later_signals VALUES (1)");
    try (Connection ro = connectAs(user)) {
      assertAllowed(ro, "SELECT * FROM news_articles");
      assertAllowed(ro, "SELECT * FROM prices");
      assertAllowed(ro, "SELECT * FROM later_signals");
      assertAllowed(ro, "SELECT last_value FROM news_articles_id_seq");
      assertDenied(ro, "INSERT INTO prices VALUES ('MSFT', 2)");
      assertDenied(ro, "UPDATE prices SET px = 0");
      assertDenied(ro, "DELETE FROM later_signals");
      assertDenied(ro, "CREATE TABLE mine (x int)");
    }
  }

  @Test
  void rotationChangesThePasswordThenTheSecretAndRequeuesForTheNextOne() throws SQLException {
    DbUser user = create(db.user("readonly-user.yaml", "rotating-analyst"));
    reconciler.reconcile(user, null);
    String oldPassword = secret(user).get("password");
    String changedAt = user.getStatus().getPasswordChangedAt();
    assertThat(changedAt).isEqualTo(clock.instant().toString());

    List<Map<String, String>> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Watch watch = client.secrets().inNamespace(TestDatabase.NAMESPACE).withName("rotating-analyst-connection")
        .watch(new Watcher<Secret>() {
          @Override
          public void eventReceived(Action action, Secret secret) {
            if (action == Action.MODIFIED) {
              writes.add(ConnectionSecrets.decode(secret));
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      clock.advance(Duration.ofHours(721));
      UpdateControl<DbUser> control = reconciler.reconcile(user, null);
      assertThat(control.getScheduleDelay()).contains(Duration.ofMinutes(10).toMillis());
      await().atMost(Duration.ofSeconds(10)).until(() -> writes.size() >= 2);
    }
    // The order: the new password is parked next to the old one, then (after ALTER ROLE) promoted.
    assertThat(writes).hasSize(2);
    assertThat(writes.get(0)).containsEntry("password", oldPassword).containsKey(ConnectionSecrets.NEXT_PASSWORD);
    String parked = writes.get(0).get(ConnectionSecrets.NEXT_PASSWORD);
    passwordsSeen.add(parked);
    assertThat(writes.get(1)).containsEntry("password", parked).doesNotContainKey(ConnectionSecrets.NEXT_PASSWORD);

    assertReady(user);
    Map<String, String> secret = secret(user);
    String newPassword = secret.get("password");
    passwordsSeen.add(newPassword);
    assertThat(newPassword).hasSize(32).isNotEqualTo(oldPassword);
    assertThat(secret).doesNotContainKey(ConnectionSecrets.NEXT_PASSWORD);
    assertThat(secret.get("uri")).contains(newPassword);
    assertThat(user.getStatus().getPasswordChangedAt()).isEqualTo(clock.instant().toString());
    assertThatThrownBy(() -> TestPostgres.connect(db.name, user.getSpec().getRoleName(), oldPassword).close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    assertAllowedAs(user, "SELECT 1 FROM prices");
    assertThat(events("PasswordRotated")).isNotEmpty();
  }

  @Test
  void aRotationInterruptedAfterThePendingPasswordWasWrittenIsFinished() throws SQLException {
    DbUser user = create(db.user("readonly-user.yaml", "interrupted-analyst"));
    reconciler.reconcile(user, null);
    // As if the operator stopped between writing password-next and ALTER ROLE.
    Secret secret = client.secrets().inNamespace(TestDatabase.NAMESPACE).withName("interrupted-analyst-connection").get();
    secret.getData().put(ConnectionSecrets.NEXT_PASSWORD, java.util.Base64.getEncoder().encodeToString("Pending0Password0123".getBytes()));
    client.secrets().inNamespace(TestDatabase.NAMESPACE).resource(secret).update();

    reconciler.reconcile(user, null);

    assertThat(secret(user)).containsEntry("password", "Pending0Password0123").doesNotContainKey(ConnectionSecrets.NEXT_PASSWORD);
    TestPostgres.connect(db.name, user.getSpec().getRoleName(), "Pending0Password0123").close();
  }

  @Test
  void driftIsRepairedManualGrantsRevokedAndADroppedRoleRecreated() throws SQLException {
    DbUser user = create(db.user("app-user.yaml", "drifting-writer"));
    String role = user.getSpec().getRoleName();
    reconciler.reconcile(user, null);
    db.exec("GRANT DELETE ON news_articles TO " + SqlQuote.identifier(role),
        "GRANT SELECT ON prices TO " + SqlQuote.identifier(role),
        "GRANT SELECT ON news_articles TO " + SqlQuote.identifier(role) + " WITH GRANT OPTION");
    assertAllowedAs(user, "SELECT * FROM prices");

    long before = reconciler.statementsExecuted();
    reconciler.reconcile(user, null);
    assertThat(reconciler.statementsExecuted() - before).isEqualTo(3);
    assertThat(scalar("SELECT has_table_privilege('" + role + "', 'news_articles', 'SELECT WITH GRANT OPTION')"))
        .isEqualTo("f");
    try (Connection app = connectAs(user)) {
      assertDenied(app, "DELETE FROM news_articles");
      assertDenied(app, "SELECT * FROM prices");
    }

    db.exec("DROP OWNED BY " + SqlQuote.identifier(role), "DROP ROLE " + SqlQuote.identifier(role));
    reconciler.reconcile(user, null);
    assertReady(user);
    assertThat(db.roleExists(role)).isTrue();
    try (Connection app = connectAs(user)) {
      assertAllowed(app, "INSERT INTO news_articles (title) VALUES ('after repair')");
      assertDenied(app, "DELETE FROM news_articles");
    }
  }

  @Test
  void anUnreachableDatabaseDegradesWithBackoffAndRecoversWithoutRestart() throws Exception {
    try (TcpProxy proxy = new TcpProxy(TestPostgres.port())) {
      proxy.start();
      DbUser user = create(db.user("app-user.yaml", "flaky-writer"));
      user.getSpec().setTarget(db.target(proxy.port()));
      reconciler.reconcile(user, null);
      assertReady(user);

      proxy.stop();
      UpdateControl<DbUser> down1 = reconciler.reconcile(user, null);
      UpdateControl<DbUser> down2 = reconciler.reconcile(user, null);
      assertCondition(user, Conditions.DEGRADED, "True", DbUserReconciler.REASON_UNREACHABLE);
      assertCondition(user, Conditions.READY, "False", DbUserReconciler.REASON_UNREACHABLE);
      assertThat(down1.getScheduleDelay()).contains(5_000L);
      assertThat(down2.getScheduleDelay()).contains(10_000L);
      assertThat(events(DbUserReconciler.REASON_UNREACHABLE)).isNotEmpty();

      proxy.start();
      reconciler.reconcile(user, null);
      assertReady(user);
      assertAllowedAs(user, "SELECT 1 FROM news_articles LIMIT 1");
    }
  }

  @Test
  void retainKeepsTheRoleOnDeletion() throws SQLException {
    DbUser user = create(db.user("app-user.yaml", "retained-writer"));
    reconciler.reconcile(user, null);
    DeleteControl control = reconciler.cleanup(user, null);
    assertThat(control.isRemoveFinalizer()).isTrue();
    assertThat(db.roleExists(user.getSpec().getRoleName())).isTrue();
  }

  @Test
  void deleteReassignsOwnedObjectsThenDropsTheRole() throws SQLException {
    String keeper = db.role("keeper");
    db.exec("CREATE ROLE " + SqlQuote.identifier(keeper));
    DbUser user = create(ownerUser("owning-writer"));
    user.getSpec().setReclaimPolicy(ReclaimPolicy.DELETE);
    user.getSpec().setReassignOwnedTo(keeper);
    reconciler.reconcile(user, null);
    assertReady(user);
    assertAllowedAs(user, "CREATE TABLE owned_by_app (x int)");

    assertThat(reconciler.cleanup(user, null).isRemoveFinalizer()).isTrue();

    assertThat(db.roleExists(user.getSpec().getRoleName())).isFalse();
    assertThat(scalar("SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_app'")).isEqualTo(keeper);
  }

  @Test
  void deleteWithoutReassignDropsOwnedObjectsAndTheRole() throws SQLException {
    DbUser user = create(ownerUser("dropping-writer"));
    user.getSpec().setReclaimPolicy(ReclaimPolicy.DELETE);
    reconciler.reconcile(user, null);
    assertAllowedAs(user, "CREATE TABLE dropped_with_app (x int)");

    assertThat(reconciler.cleanup(user, null).isRemoveFinalizer()).isTrue();

    assertThat(db.roleExists(user.getSpec().getRoleName())).isFalse();
    assertThat(scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'dropped_with_app'")).isEqualTo("0");
    assertThat(scalar("SELECT count(*) FROM news_articles")).isNotEqualTo("0");
  }

  @Test
  void aRoleTheOperatorDidNotCreateIsUntouchedUnlessAdopted() throws SQLException {
    String legacy = db.role("legacy");
    db.exec("CREATE ROLE " + SqlQuote.identifier(legacy) + " LOGIN CONNECTION LIMIT 7",
        "COMMENT ON ROLE " + SqlQuote.identifier(legacy) + " IS 'nightly job'",
        "GRANT SELECT ON prices TO " + SqlQuote.identifier(legacy));
    DbUser user = create(db.user("app-user.yaml", "legacy-writer"));
    user.getSpec().setRoleName(legacy);
    user.getSpec().setReclaimPolicy(ReclaimPolicy.DELETE);

    long before = reconciler.statementsExecuted();
    reconciler.reconcile(user, null);
    assertCondition(user, Conditions.DEGRADED, "True", DbUserReconciler.REASON_ROLE_CONFLICT);
    assertThat(reconciler.statementsExecuted()).isEqualTo(before);
    assertThat(scalar("SELECT rolconnlimit || ' ' || shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '"
        + legacy + "'")).isEqualTo("7 nightly job");
    assertThat(reconciler.cleanup(user, null).isRemoveFinalizer()).isTrue();
    assertThat(db.roleExists(legacy)).isTrue();

    user.getSpec().setAdopt(true);
    user.getSpec().setReclaimPolicy(ReclaimPolicy.RETAIN);
    reconciler.reconcile(user, null);
    assertReady(user);
    assertThat(scalar("SELECT rolconnlimit || ' ' || shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = '"
        + legacy + "'")).isEqualTo("-1 " + RoleOwnership.comment(TestDatabase.NAMESPACE, "legacy-writer", user.getMetadata().getUid()));
    try (Connection app = connectAs(user)) {
      assertDenied(app, "SELECT * FROM prices");
    }
  }

  @Test
  void theSecondDbUserClaimingARoleIsDegradedAndTheFirstUntouched() throws SQLException {
    DbUser first = create(db.user("app-user.yaml", "first-claim"));
    reconciler.reconcile(first, null);
    assertReady(first);
    DbUser second = create(db.user("readonly-user.yaml", "second-claim"));
    second.getSpec().setRoleName(first.getSpec().getRoleName());

    long before = reconciler.statementsExecuted();
    reconciler.reconcile(second, null);
    assertCondition(second, Conditions.DEGRADED, "True", DbUserReconciler.REASON_ROLE_CONFLICT);
    assertThat(second.getStatus().getConditions().get(0).getMessage()).contains("managed by DbUser trading/first-claim");
    reconciler.reconcile(first, null);
    assertThat(reconciler.statementsExecuted()).isEqualTo(before);
    assertReady(first);
    assertThat(client.secrets().inNamespace(TestDatabase.NAMESPACE).withName("second-claim-connection").get()).isNull();
  }

  @Test
  void aMissingTableIsRetriedAndGrantedOnceItExists() throws SQLException {
    DbUser user = create(db.user("app-user.yaml", "early-writer"));
    TableGrant later = new TableGrant("public", List.of("not_yet_created"), List.of(TablePrivilege.SELECT));
    user.getSpec().getPrivileges().setTables(new ArrayList<>(List.of(later)));
    user.getSpec().getPrivileges().setSequences(null);

    UpdateControl<DbUser> waiting = reconciler.reconcile(user, null);
    assertCondition(user, Conditions.DEGRADED, "True", DbUserReconciler.REASON_OBJECT_MISSING);
    assertThat(waiting.getScheduleDelay()).contains(30_000L);
    assertThat(user.getStatus().getAppliedPrivileges()).containsExactly("CONNECT ON DATABASE " + db.name);
    assertThat(db.roleExists(user.getSpec().getRoleName())).isTrue();

    db.exec("CREATE TABLE not_yet_created (x int)");
    reconciler.reconcile(user, null);
    assertReady(user);
    assertThat(user.getStatus().getAppliedPrivileges()).contains("SELECT ON TABLE public.not_yet_created");
    assertAllowedAs(user, "SELECT * FROM not_yet_created");
  }

  @Test
  void aPasswordFromAReferencedSecretIsAppliedAndFollowed() throws SQLException {
    putSecret("writer-password", "Referenced-Password-1");
    DbUser user = create(db.user("app-user.yaml", "referenced-writer"));
    PasswordSpec password = new PasswordSpec();
    password.setSecretRef(new SecretKeyRef("writer-password", null));
    user.getSpec().setPassword(password);

    reconciler.reconcile(user, null);
    TestPostgres.connect(db.name, user.getSpec().getRoleName(), "Referenced-Password-1").close();

    putSecret("writer-password", "Referenced-Password-2");
    reconciler.reconcile(user, null);
    TestPostgres.connect(db.name, user.getSpec().getRoleName(), "Referenced-Password-2").close();
    assertThat(secret(user)).containsEntry("password", "Referenced-Password-2");
  }

  @Test
  void anInvalidSpecIsReportedWithoutTouchingTheDatabase() {
    DbUser user = create(db.user("app-user.yaml", "invalid-writer"));
    user.getSpec().setValidUntil("next tuesday");
    UpdateControl<DbUser> control = reconciler.reconcile(user, null);
    assertCondition(user, Conditions.DEGRADED, "True", DbUserReconciler.REASON_INVALID_SPEC);
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void aTradingDatabaseTargetResolvesToItsReadWriteServiceSuperuserSecretAndPooler() {
    DbUser user = create(db.user("app-user.yaml", "tdb-writer"));
    user.getSpec().setTarget(io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget.tradingDatabase("ai-trading"));
    // Not there yet: reported and retried, and no address outside loopback is ever looked up.
    reconciler.reconcile(user, null);
    assertCondition(user, Conditions.DEGRADED, "True", DbUserReconciler.REASON_UNREACHABLE);
    assertThat(user.getStatus().getConditions().get(0).getMessage()).contains("TradingDatabase 'ai-trading' does not exist");

    TradingDatabase tdb = new TradingDatabase();
    tdb.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("ai-trading")
        .withNamespace(TestDatabase.NAMESPACE).build());
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setProfile(Profile.STAGING);
    spec.setDatabaseName("ai_trading");
    tdb.setSpec(spec);
    client.resources(TradingDatabase.class).inNamespace(TestDatabase.NAMESPACE).resource(tdb).create();
    client.secrets().inNamespace(TestDatabase.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName("ai-trading-superuser").withNamespace(TestDatabase.NAMESPACE).endMetadata()
        .withStringData(Map.of("username", "postgres", "password", "not-used-here")).build()).create();
    client.secrets().inNamespace(TestDatabase.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName("ai-trading-tls").withNamespace(TestDatabase.NAMESPACE).endMetadata()
        .withStringData(Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n"))
        .build()).create();

    AdminConnection admin = AdminTargets.resolve(client, TestDatabase.NAMESPACE, user.getSpec().getTarget());

    assertThat(admin.target().host()).isEqualTo("ai-trading-rw.trading.svc");
    assertThat(admin.target().database()).isEqualTo("ai_trading");
    // TLS is on by default: the server name is verified against the cluster's CA.
    assertThat(admin.target().sslMode()).isEqualTo("verify-full");
    assertThat(admin.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(admin.credentials().username()).isEqualTo("postgres");
    assertThat(admin.toString()).doesNotContain("not-used-here");
    assertThat(ConnectionSecrets.data(admin.target(), "news_writer", "pw"))
        .containsEntry("pooler-host", "ai-trading-pooler.trading.svc")
        .containsKey("pooler-uri");
  }

  /** A DbUser that may create tables in public, so it can own objects. */
  private static DbUser ownerUser(String name) {
    DbUser user = db.user("app-user.yaml", name);
    user.getSpec().getPrivileges().setSchemas(
        List.of(new SchemaGrant("public", List.of(SchemaPrivilege.USAGE, SchemaPrivilege.CREATE))));
    return user;
  }

  private static DbUser create(DbUser user) {
    DbUser stored = client.resources(DbUser.class).inNamespace(TestDatabase.NAMESPACE).resource(user).create();
    user.getMetadata().setUid(stored.getMetadata().getUid());
    return user;
  }

  private static void putSecret(String name, String password) {
    client.secrets().inNamespace(TestDatabase.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(TestDatabase.NAMESPACE).endMetadata()
        .withStringData(Map.of("password", password)).build()).createOr(op -> op.update());
  }

  private static Map<String, String> secret(DbUser user) {
    Secret secret = client.secrets().inNamespace(TestDatabase.NAMESPACE)
        .withName(DbUserModel.connectionSecretName(user)).get();
    assertThat(secret).as("connection Secret").isNotNull();
    Map<String, String> data = ConnectionSecrets.decode(secret);
    passwordsSeen.add(data.get("password"));
    return data;
  }

  private static Connection connectAs(DbUser user) throws SQLException {
    return TestPostgres.connect(db.name, user.getSpec().getRoleName(), secret(user).get("password"));
  }

  private static List<Event> events(String reason) {
    return client.v1().events().inNamespace(TestDatabase.NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static String scalar(String sql) throws SQLException {
    try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void assertReady(DbUser user) {
    assertCondition(user, Conditions.READY, "True", DbUserReconciler.REASON_RECONCILED);
    assertCondition(user, Conditions.DEGRADED, "False", DbUserReconciler.REASON_RECONCILED);
    assertThat(user.getStatus().getPhase()).isEqualTo("Ready");
    assertThat(user.getStatus().getObservedGeneration()).isEqualTo(1L);
  }

  private static void assertCondition(DbUser user, String type, String status, String reason) {
    assertThat(Conditions.find(user.getStatus().getConditions(), type))
        .as(type + " in " + user.getStatus().getConditions())
        .hasValueSatisfying(c -> {
          assertThat(c.getStatus()).as(c.getReason() + ": " + c.getMessage()).isEqualTo(status);
          assertThat(c.getReason()).as(c.getMessage()).isEqualTo(reason);
        });
  }

  private static void assertAllowedAs(DbUser user, String sql) throws SQLException {
    try (Connection c = connectAs(user)) {
      assertAllowed(c, sql);
    }
  }

  private static void assertAllowed(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void assertDenied(Connection c, String sql) {
    assertThatThrownBy(() -> assertAllowed(c, sql))
        .as(sql)
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
  }
}
