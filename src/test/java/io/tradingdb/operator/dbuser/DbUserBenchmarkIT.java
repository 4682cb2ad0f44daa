package io.tradingdb.operator.dbuser;

import org.junit.jupiter.api.extension.ExtendWith;
import io.tradingdb.operator.testsupport.RecordMockSecrets;
import io.tradingdb.operator.postgres.AdminConnection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.PooledConnection;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.RoleCatalog;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reconciles 50 DbUsers against one database, first time and again with nothing to change, and
 * prints wall time and statements. Only the statement count of the second pass is asserted.
 * The mock API server speaks plain HTTP here so its TLS does not dominate the numbers.
 * Run: {@code mvn -B -q verify -Dit.test=DbUserBenchmarkIT -Dgroups=benchmark -DexcludedTestGroups=none}.
 */
@Tag("benchmark")
@EnableKubernetesMockClient(crud = true, https = false)
@ExtendWith(RecordMockSecrets.class)
class DbUserBenchmarkIT {

  static KubernetesClient client;

  private static final int USERS = 50;
  private static final int TABLES = 20;
  private static TestDatabase db;
  private static PostgresConnections connections;

  @BeforeAll
  static void setUp() throws SQLException {
    db = TestDatabase.create("dbuser_bench", client);
    db.exec("CREATE TABLE news_articles (id serial PRIMARY KEY, title text)");
    for (int i = 0; i < TABLES; i++) {
      db.exec("CREATE TABLE market_" + i + " (id bigserial PRIMARY KEY, px numeric)");
    }
    connections = new PostgresConnections();
  }

  @AfterAll
  static void tearDown() throws SQLException {
    connections.close();
    db.close();
  }

  @Test
  void fiftyUsersFirstTimeAndWithNothingToChange() {
    DbUserReconciler reconciler = DbUserFixtures.reconciler(client, connections, Clock.systemUTC());
    List<DbUser> users = new ArrayList<>();
    String[] fixtures = {"app-user.yaml", "readonly-user.yaml"};
    for (int i = 0; i < USERS; i++) {
      DbUser user = db.user(fixtures[i % 2], "bench-" + i);
      users.add(client.resources(DbUser.class).inNamespace(TestDatabase.NAMESPACE).resource(user).create());
      users.get(i).setSpec(user.getSpec());
    }

    long firstStatements = reconciler.statementsExecuted();
    long firstStart = System.nanoTime();
    users.forEach(u -> reconciler.reconcile(u, null));
    long firstMillis = (System.nanoTime() - firstStart) / 1_000_000;
    firstStatements = reconciler.statementsExecuted() - firstStatements;
    users.forEach(u -> assertThat(Conditions.isTrue(u.getStatus().getConditions(), Conditions.READY))
        .as(u.getStatus().getConditions().toString()).isTrue());

    long secondStatements = reconciler.statementsExecuted();
    long secondStart = System.nanoTime();
    users.forEach(u -> reconciler.reconcile(u, null));
    long secondMillis = (System.nanoTime() - secondStart) / 1_000_000;
    secondStatements = reconciler.statementsExecuted() - secondStatements;

    // The database side alone: connection from the pool, catalog snapshot and plan, no API calls.
    AdminConnection admin = AdminTargets.resolve(client, TestDatabase.NAMESPACE, users.get(0).getSpec().getTarget());
    long catalogStart = System.nanoTime();
    int planned = 0;
    for (DbUser u : users) {
      DbUserModel model = DbUserModel.from(u);
      try (PooledConnection c = connections.open(admin.target(), admin.credentials(), null)) {
        CatalogSnapshot snapshot = RoleCatalog.read(
            c.jdbc(), model.role().roleName(), model.role().schemasUsed(), model.role().rolesUsed());
        String password = ConnectionSecrets.decode(client.secrets().inNamespace(TestDatabase.NAMESPACE)
            .withName(model.connectionSecretName()).get()).get("password");
        planned += GrantPlanner.plan(model.role(), snapshot, new GrantPlanner.PasswordIntent(password, true),
            RoleOwnership.comment(TestDatabase.NAMESPACE, u.getMetadata().getName(), u.getMetadata().getUid()))
            .plan().size();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    long catalogMillis = (System.nanoTime() - catalogStart) / 1_000_000;

    System.out.printf("%nDbUser benchmark: %d DbUsers (half readOnly preset over %d tables, half app users), one database%n",
        USERS, TABLES + 1);
    System.out.printf("%-24s %10s %12s%n", "pass", "wall ms", "statements");
    System.out.printf("%-24s %10d %12d%n", "first (create)", firstMillis, firstStatements);
    System.out.printf("%-24s %10d %12d%n", "second (nothing to do)", secondMillis, secondStatements);
    System.out.printf("%-24s %10d %12d   (pool + catalog + plan + one Secret read per user)%n",
        "catalog and plan only", catalogMillis, planned);
    assertThat(secondStatements).isZero();
    assertThat(planned).isZero();
  }
}
