package io.tradingdb.operator.tradingdatabase;

import org.junit.jupiter.api.extension.ExtendWith;
import io.tradingdb.operator.testsupport.RecordMockSecrets;
import io.tradingdb.operator.tradingdatabase.status.CheckOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.AlertThresholds;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.postgres.AdminConnection;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.PostgresCredentials;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-database stage of a TradingDatabase against a real PostgreSQL: the pooler and monitoring
 * logins are set up, the health in the status matches the database, and a crossed threshold makes
 * the cluster Degraded with the reason.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(RecordMockSecrets.class)
class DatabaseChecksIT {

  static KubernetesClient client;
  static String database;
  static PostgresConnections connections = new PostgresConnections();

  @BeforeAll
  static void createDatabase() throws Exception {
    database = TestPostgres.createDatabase("health");
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE prices (id bigserial PRIMARY KEY, symbol text, px numeric)");
      s.execute("INSERT INTO prices (symbol, px) SELECT 'S' || g, g FROM generate_series(1, 1000) g");
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    connections.close();
    TestPostgres.dropDatabase(database);
  }

  @Test
  void loginsAreSetUpAndHealthFollowsTheDatabase() throws Exception {
    TradingDatabase db = Samples.tradingDatabase("trading", "health");
    db.getSpec().setProfile(Profile.STAGING);
    db.getSpec().setDatabaseName(database);
    ClusterModel model = ClusterModel.from(db);
    putPassword(model.names().poolerAuthSecret(), io.tradingdb.operator.postgres.PoolerAuthSetup.ROLE);
    putPassword(model.names().monitoringSecret(), io.tradingdb.operator.postgres.MonitoringRoleSetup.ROLE);
    DatabaseChecks checks = new DatabaseChecks(client, connections, Clock.systemUTC(), m -> local());

    CheckOutcome first = checks.run(db, model, null);
    assertThat(first.error()).isNull();
    assertThat(first.health().getMaxConnections()).isEqualTo(100);
    assertThat(first.health().getConnections()).isPositive();
    assertThat(first.health().getDatabaseSizeBytes()).isPositive();
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement();
        ResultSet roles = s.executeQuery(
            "SELECT count(*) FROM pg_roles WHERE rolname IN ('tradingdb_pooler', 'tradingdb_monitor')")) {
      roles.next();
      assertThat(roles.getInt(1)).isEqualTo(2);
      s.execute("CREATE INDEX prices_symbol_unused ON prices (symbol)");
    }
    CheckOutcome second = checks.run(db, model, first.health());
    assertThat(second.health().getUnusedIndexes()).isEqualTo(first.health().getUnusedIndexes() + 1);

    // Everything ready, a threshold crossed: Degraded with the guide's reason, Ready stays true.
    db.getSpec().setMonitoring(new MonitoringSpec());
    db.getSpec().getMonitoring().setAlerts(new AlertThresholds());
    db.getSpec().getMonitoring().getAlerts().setConnectionsPercent(1);
    ClusterModel strict = ClusterModel.from(db);
    CheckOutcome crossed;
    // Two more sessions: well above 1% of max_connections=100.
    try (Connection a = TestPostgres.connectAsAdmin(database); Connection b = TestPostgres.connectAsAdmin(database)) {
      crossed = checks.run(db, strict, second.health());
    }
    assertThat(crossed.finding()).isNotNull();
    var status = ClusterStatus.compute(db, strict, readyCluster(strict), crossed, Clock.systemUTC());
    assertThat(status.getPhase()).isEqualTo("Degraded");
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.READY)).isTrue();
    var degraded = Conditions.find(status.getConditions(), Conditions.DEGRADED).orElseThrow();
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo(crossed.finding().reason());
    assertThat(degraded.getMessage()).contains("connections");
    assertThat(Conditions.isTrue(status.getConditions(), ClusterStatus.HEALTH_CHECKED)).isTrue();
  }

  @Test
  void scheduledVacuumAnalyzeRunsWhenDueAndItsResultGoesToStatus() {
    TradingDatabase db = Samples.tradingDatabase("trading", "vacuum");
    db.getSpec().setDatabaseName(database);
    db.getSpec().setMonitoring(new MonitoringSpec());
    db.getSpec().getMonitoring().setVacuumAnalyzeSchedule("0 4 * * 0");
    // Created three weeks ago: the weekly run is due.
    db.getMetadata().setCreationTimestamp(java.time.Instant.now().minus(java.time.Duration.ofDays(21)).toString());
    ClusterModel model = ClusterModel.from(db);
    putPassword(model.names().monitoringSecret(), io.tradingdb.operator.postgres.MonitoringRoleSetup.ROLE);
    DatabaseChecks checks = new DatabaseChecks(client, connections, Clock.systemUTC(), m -> local());

    CheckOutcome first = checks.run(db, model, null);
    assertThat(first.error()).isNull();
    assertThat(first.health().getLastVacuum()).contains("succeeded on").contains("tables");
    assertThat(DatabaseChecks.lastVacuumTime(first.health().getLastVacuum())).isNotNull();

    // Just ran: not due again until next Sunday 04:00, so the summary is carried over unchanged.
    CheckOutcome second = checks.run(db, model, first.health());
    assertThat(second.health().getLastVacuum()).isEqualTo(first.health().getLastVacuum());
  }

  @Test
  void anUnreachablePrimaryIsReportedWithoutTouchingReadiness() {
    TradingDatabase db = Samples.tradingDatabase("trading", "down");
    db.getSpec().setDatabaseName(database);
    ClusterModel model = ClusterModel.from(db);
    putPassword(model.names().monitoringSecret(), io.tradingdb.operator.postgres.MonitoringRoleSetup.ROLE);
    // A loopback port nothing listens on.
    DatabaseChecks checks = new DatabaseChecks(client, connections, Clock.systemUTC(), m -> new AdminConnection(
        new ConnectionTarget("127.0.0.1", 1, database, "disable", "x", "username", "password", null, null, null, 0),
        new PostgresCredentials(TestPostgres.adminUser(), TestPostgres.adminPassword()), null));
    CheckOutcome outcome = checks.run(db, model, null);
    assertThat(outcome.error()).isNotBlank();
    var status = ClusterStatus.compute(db, model, readyCluster(model), outcome, Clock.systemUTC());
    assertThat(status.getPhase()).isEqualTo("Ready");
    var checked = Conditions.find(status.getConditions(), ClusterStatus.HEALTH_CHECKED).orElseThrow();
    assertThat(checked.getStatus()).isEqualTo("False");
    assertThat(checked.getReason()).isEqualTo("Unreachable");
    assertThat(checked.getMessage()).doesNotContain(TestPostgres.adminPassword());
  }

  @Test
  void aFailureToFindThePrimaryIsReportedAndTheStatusStillFollowsThePods() {
    TradingDatabase db = Samples.tradingDatabase("trading", "lost");
    db.getSpec().setDatabaseName(database);
    ClusterModel model = ClusterModel.from(db);
    DatabaseChecks checks = new DatabaseChecks(client, connections, Clock.systemUTC(), m -> {
      throw new IllegalStateException("no Service trading-lost-rw yet");
    });
    CheckOutcome outcome = checks.run(db, model, null);
    assertThat(outcome.error()).isEqualTo("database checks failed: no Service trading-lost-rw yet");
    var status = ClusterStatus.compute(db, model, readyCluster(model), outcome, Clock.systemUTC());
    assertThat(status.getPhase()).isEqualTo("Ready");
    assertThat(Conditions.find(status.getConditions(), ClusterStatus.HEALTH_CHECKED).orElseThrow().getStatus())
        .isEqualTo("False");
  }

  private static ClusterStatus.Observed readyCluster(ClusterModel model) {
    var sts = new StatefulSetBuilder().withNewMetadata().withName(model.names().statefulSet()).withGeneration(1L)
        .endMetadata().withNewStatus().withReplicas(model.instances()).withReadyReplicas(model.instances())
        .withObservedGeneration(1L).withCurrentRevision("a").withUpdateRevision("a").endStatus().build();
    var primary = new PodBuilder().withNewMetadata().withName(model.names().statefulSet() + "-0")
        .withLabels(Map.of("role", "primary")).endMetadata().build();
    return new ClusterStatus.Observed(sts, List.of(primary), List.of());
  }

  private static AdminConnection local() {
    return new AdminConnection(
        new ConnectionTarget(TestPostgres.host(), TestPostgres.port(), database, "disable",
            "superuser", "username", "password", null, null, null, 0),
        new PostgresCredentials(TestPostgres.adminUser(), TestPostgres.adminPassword()), null);
  }

  /** A login Secret as the operator generates it: its role's name and a new password. */
  private static void putPassword(String secret, String username) {
    client.secrets().inNamespace("trading").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName(secret).withNamespace("trading").endMetadata()
        .withStringData(Map.of("username", username, "password", io.tradingdb.operator.kube.Passwords.generate()))
        .build()).createOr(op -> op.update());
  }
}
