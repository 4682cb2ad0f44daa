package io.tradingdb.operator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.kube.TargetUnavailableException;
import java.util.Map;

/**
 * Where the operator connects and as whom: the resolved target plus the admin credentials and CA
 * read from their Secrets.
 */
public record AdminConnection(ConnectionTarget target, PostgresCredentials credentials, String caCertificatePem) {

  @Override
  public String toString() {
    return "AdminConnection[target=" + target + ", user=" + credentials.username() + "]";
  }

  /** @throws TargetUnavailableException when a Secret or one of its keys is not there (yet) */
  public static AdminConnection resolve(KubernetesClient client, String namespace, ConnectionTarget resolved) {
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

  private static Map<String, String> secretData(KubernetesClient client, String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new TargetUnavailableException("Secret '" + name + "' does not exist");
    }
    return SecretData.decode(secret);
  }
}
