package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.DatabaseTargets.TargetUnavailableException;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.postgres.PostgresCredentials;
import java.util.Map;

/**
 * Where the operator connects for a DbUser and as whom: the resolved target plus the admin
 * credentials and CA read from their Secrets.
 */
public record AdminConnection(ConnectionTarget target, PostgresCredentials credentials, String caCertificatePem) {

  @Override
  public String toString() {
    return "AdminConnection[target=" + target + ", user=" + credentials.username() + "]";
  }

  /** @throws TargetUnavailableException when the TradingDatabase or a Secret is not there (yet) */
  public static AdminConnection resolve(KubernetesClient client, String namespace, DatabaseTarget target) {
    return resolve(client, namespace, target, true);
  }

  /** Looks the TradingDatabase up ({@link #tradingDatabase}) and resolves the target against it. */
  public static AdminConnection resolve(
      KubernetesClient client, String namespace, DatabaseTarget target, boolean tradingDatabases) {
    return resolve(client, namespace, target, tradingDatabase(client, namespace, target, tradingDatabases));
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
    String tradingDatabaseName = DatabaseTargets.tradingDatabaseName(target);
    return tradingDatabaseName == null
        ? null
        : client.resources(TradingDatabase.class).inNamespace(namespace).withName(tradingDatabaseName).get();
  }

  /** @param tradingDatabase what {@link #tradingDatabase} returned for this target */
  public static AdminConnection resolve(
      KubernetesClient client, String namespace, DatabaseTarget target, TradingDatabase tradingDatabase) {
    ConnectionTarget resolved = DatabaseTargets.resolve(target, tradingDatabase);
    Map<String, String> admin = secretData(client, namespace, resolved.credentialsSecret());
    String username = admin.get(resolved.usernameKey());
    String password = admin.get(resolved.passwordKey());
    if (username == null || password == null) {
      throw new TargetUnavailableException("Secret '" + resolved.credentialsSecret() + "' has no keys '"
          + resolved.usernameKey() + "' and '" + resolved.passwordKey() + "'");
    }
    String ca = null;
    if (resolved.caSecret() != null) {
      ca = secretData(client, namespace, resolved.caSecret()).get(resolved.caKey());
      if (ca == null) {
        throw new TargetUnavailableException("Secret '" + resolved.caSecret() + "' has no key '" + resolved.caKey() + "'");
      }
    }
    return new AdminConnection(resolved, new PostgresCredentials(username, password), ca);
  }

  static Map<String, String> secretData(KubernetesClient client, String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new TargetUnavailableException("Secret '" + name + "' does not exist");
    }
    return SecretData.decode(secret);
  }
}
