package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.TargetUnavailableException;
import io.tradingdb.operator.postgres.AdminConnection;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;

/** Looks up the TradingDatabase a DbUser's target names and resolves the admin connection. */
public final class AdminTargets {

  private AdminTargets() {}

  /** @throws TargetUnavailableException when the TradingDatabase or a Secret is not there (yet) */
  public static AdminConnection resolve(KubernetesClient client, String namespace, DatabaseTarget target) {
    return resolve(client, namespace, target, tradingDatabase(client, namespace, target, true));
  }

  /**
   * The TradingDatabase the target names, or null for an external target or one that does not exist.
   *
   * @param tradingDatabases false where TradingDatabase pods run no PostgreSQL (simulated nodes):
   *     such targets are then refused before any name is looked up
   */
  public static TradingDatabase tradingDatabase(
      KubernetesClient client, String namespace, DatabaseTarget target, boolean tradingDatabases) {
    if (!tradingDatabases && target != null && target.getTradingDatabase() != null) {
      throw new TargetUnavailableException("this operator runs with DATABASE_CHECKS=false and does not "
          + "connect to TradingDatabases (their pods run no PostgreSQL here); external targets work");
    }
    String tradingDatabaseName = ClusterModel.tradingDatabaseName(target);
    return tradingDatabaseName == null
        ? null
        : client.resources(TradingDatabase.class).inNamespace(namespace).withName(tradingDatabaseName).get();
  }

  /** @param tradingDatabase what {@link #tradingDatabase} returned for this target */
  public static AdminConnection resolve(
      KubernetesClient client, String namespace, DatabaseTarget target, TradingDatabase tradingDatabase) {
    return AdminConnection.resolve(client, namespace, ClusterModel.connectionTarget(target, tradingDatabase));
  }
}
