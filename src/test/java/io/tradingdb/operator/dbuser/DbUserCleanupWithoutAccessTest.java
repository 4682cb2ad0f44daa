package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReclaimPolicy;
import io.tradingdb.operator.postgres.PostgresConnections;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Deleting a namespace deletes the RoleBinding of a namespaced install together with the DbUsers.
 * The cleanup then gets 403 for the TradingDatabase: it gives the DbUser up (an Event says the
 * role was not dropped) instead of retrying forever and holding the namespace in Terminating.
 */
@EnableKubernetesMockClient
class DbUserCleanupWithoutAccessTest {

  KubernetesMockServer server;
  KubernetesClient client;

  static final String TRADING_DATABASE = "/apis/tradingdb.io/v1alpha1/namespaces/trading/tradingdatabases/ai-trading";

  DbUser deleting() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    user.getSpec().setReclaimPolicy(ReclaimPolicy.DELETE);
    return user;
  }

  @Test
  void forbiddenTargetLetsTheDbUserGo() {
    server.expect().get().withPath(TRADING_DATABASE).andReturn(403, new StatusBuilder().withCode(403)
        .withReason("Forbidden").withMessage("tradingdatabases.tradingdb.io \"ai-trading\" is forbidden").build())
        .always();
    server.expect().post().withPath("/api/v1/namespaces/trading/events").andReturn(403, "").always();
    try (PostgresConnections connections = new PostgresConnections()) {
      DbUserReconciler reconciler = DbUserFixtures.reconciler(client, connections, Clock.systemUTC());
      assertThat(reconciler.cleanup(deleting(), null).isRemoveFinalizer()).isTrue();
    }
  }

  @Test
  void otherApiErrorsAreStillRetried() {
    server.expect().get().withPath(TRADING_DATABASE).andReturn(401, new StatusBuilder().withCode(401)
        .withMessage("Unauthorized").build()).always();
    try (PostgresConnections connections = new PostgresConnections()) {
      DbUserReconciler reconciler = DbUserFixtures.reconciler(client, connections, Clock.systemUTC());
      assertThatThrownBy(() -> reconciler.cleanup(deleting(), null)).isInstanceOf(KubernetesClientException.class);
    }
  }
}
