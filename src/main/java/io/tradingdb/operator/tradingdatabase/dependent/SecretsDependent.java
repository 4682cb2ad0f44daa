package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.tradingdatabase.ClusterSecrets;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

/**
 * Credentials Secrets are created once and never updated: a new password in the Secret would no
 * longer match the one inside the database. Kubernetes deletes them with the TradingDatabase.
 */
public final class SecretsDependent {

  private SecretsDependent() {}

  @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.SELECTOR))
  public static class Superuser extends KubernetesDependentResource<Secret, TradingDatabase>
      implements Creator<Secret, TradingDatabase>, GarbageCollected<TradingDatabase> {

    public Superuser() {
      super(Secret.class);
    }

    @Override
    protected Secret desired(TradingDatabase primary, Context<TradingDatabase> context) {
      return ClusterSecrets.superuser(primary, ClusterDependent.model(context), Passwords.generate());
    }

    @Override
    protected ResourceID targetSecondaryResourceID(
        TradingDatabase primary, Context<TradingDatabase> context) {
      ClusterNames names = ClusterDependent.names(primary);
      return new ResourceID(names.superuserSecret(), names.namespace());
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.SELECTOR))
  public static class Replication extends KubernetesDependentResource<Secret, TradingDatabase>
      implements Creator<Secret, TradingDatabase>, GarbageCollected<TradingDatabase> {

    public Replication() {
      super(Secret.class);
    }

    @Override
    protected Secret desired(TradingDatabase primary, Context<TradingDatabase> context) {
      return ClusterSecrets.replication(
          primary, ClusterDependent.model(context), Passwords.generate(), Passwords.generate());
    }

    @Override
    protected ResourceID targetSecondaryResourceID(
        TradingDatabase primary, Context<TradingDatabase> context) {
      ClusterNames names = ClusterDependent.names(primary);
      return new ResourceID(names.replicationSecret(), names.namespace());
    }
  }
}
