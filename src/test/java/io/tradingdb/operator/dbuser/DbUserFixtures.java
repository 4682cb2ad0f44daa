package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.testsupport.TestExternalTargets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;

/** DbUsers read from the readable YAML under src/test/resources/dbuser. */
final class DbUserFixtures {

  private DbUserFixtures() {}

  /** A reconciler that may reach the test PostgreSQL on loopback, which the production default denies. */
  static DbUserReconciler reconciler(KubernetesClient client, PostgresConnections connections, Clock clock) {
    return new DbUserReconciler(client, connections, clock,
        DbUserReconciler.Settings.defaults().withExternalTargets(TestExternalTargets.policy()));
  }

  static DbUser load(String file) {
    try (InputStream in = DbUserFixtures.class.getResourceAsStream("/dbuser/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource dbuser/" + file);
      }
      DbUser user = Serialization.unmarshal(in, DbUser.class);
      user.getMetadata().setUid(java.util.UUID.randomUUID().toString());
      user.getMetadata().setGeneration(1L);
      return user;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
