package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.workload.PatroniCredentials;
import java.util.Map;

/**
 * Patroni's logins file, rebuilt from the superuser Secret (the operator's or the user's) and the
 * replication Secret whenever they change; PatroniOperations then has each member reload it.
 */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class PatroniCredentialsDependent extends ClusterDependent<Secret> {

  public PatroniCredentialsDependent() {
    super(Secret.class);
  }

  @Override
  protected String name(ClusterNames names) {
    return names.patroniCredentialsSecret();
  }

  /** The logins come from other Secrets, which change without the spec (a rotated password). */
  @Override
  protected boolean desiredFollowsSpec() {
    return false;
  }

  @Override
  protected Secret build(TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context) {
    // The operator's own Secrets come from its cache (their node ran first, so the SDK has them even
    // before their watch event); only a Secret it did not make, the user's superuser Secret, is read.
    // Two reads per reconcile were 5 of the 27 API requests a new cluster cost (issue 18).
    return PatroniCredentials.secret(model, logins(model, name -> cachedSecret(context, name).orElseGet(
        () -> context.getClient().secrets().inNamespace(model.names().namespace()).withName(name).get())));
  }

  /** The logins from the source Secrets; fails (and the reconcile retries) while one is missing. */
  public static PatroniCredentials.Logins logins(ClusterModel model, java.util.function.Function<String, Secret> secrets) {
    Map<String, String> superuser = data(secrets, model.superuserSecret());
    Map<String, String> replication = data(secrets, model.names().replicationSecret());
    return new PatroniCredentials.Logins(superuser.get("username"), superuser.get("password"),
        replication.get("password"), replication.get("restapi-password"));
  }

  private static Map<String, String> data(java.util.function.Function<String, Secret> secrets, String name) {
    Secret secret = secrets.apply(name);
    if (secret == null) {
      throw new IllegalStateException("the Secret " + name + " does not exist yet");
    }
    return SecretData.decode(secret);
  }
}
