package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import java.util.Map;

/** Reads and writes a DbUser's connection Secret; {@link ConnectionSecrets} builds its content. */
final class ConnectionSecretWriter {

  private final KubernetesClient client;

  ConnectionSecretWriter(KubernetesClient client) {
    this.client = client;
  }

  Secret read(DbUser user, String name) {
    return client.secrets().inNamespace(user.getMetadata().getNamespace()).withName(name).get();
  }

  /** Creates the Secret, or replaces {@code existing} at the version read (a concurrent writer makes this fail). */
  Secret write(DbUser user, String name, Secret existing, Map<String, String> data, String changedAt) {
    Secret desired = ConnectionSecrets.build(user, name, data, changedAt);
    var secrets = client.secrets().inNamespace(user.getMetadata().getNamespace());
    if (existing == null) {
      return secrets.resource(desired).create();
    }
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    return secrets.resource(desired).update();
  }

  /** When the password in {@code secret} was last set, or null. */
  static String changedAt(Secret secret) {
    if (secret == null || secret.getMetadata().getAnnotations() == null) {
      return null;
    }
    return secret.getMetadata().getAnnotations().get(ConnectionSecrets.PASSWORD_CHANGED_AT);
  }
}
