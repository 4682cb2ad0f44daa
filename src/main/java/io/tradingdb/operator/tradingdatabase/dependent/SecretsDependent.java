package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.MonitoringConfigMap;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerConfigMap;
import io.tradingdb.operator.tradingdatabase.workload.ClusterSecrets;
import java.util.Set;

/** The generated credentials Secrets of a cluster. */
public final class SecretsDependent {

  private SecretsDependent() {}

  /**
   * Its informer serves every Secret dependent of the cluster. It maps a Secret to its cluster by
   * the instance label, not the owner reference: a re-created TradingDatabase must find the Secrets
   * that outlived its predecessor (they carry only their data claim as owner then).
   */
  @KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class Superuser extends GeneratedSecretDependent implements SecondaryToPrimaryMapper<Secret> {
    @Override
    protected String name(ClusterNames names) {
      return names.superuserSecret();
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(Secret secret) {
      return ClusterDependent.byInstanceLabel(secret);
    }

    @Override
    protected Secret build(TradingDatabase primary, ClusterModel model, PasswordSource passwords) {
      return ClusterSecrets.superuser(primary, model, passwords.next());
    }

    /**
     * Generated only when the spec names no Secret of its own. This is decided here, not by a
     * workflow precondition: patroni-credentials depends on this node, and the SDK marks every
     * dependent of a node whose precondition fails for deletion, the StatefulSet included.
     */
    @Override
    public ReconcileResult<Secret> reconcile(TradingDatabase primary, Context<TradingDatabase> context) {
      if (!ClusterDependent.model(context).superuserSecretGenerated()) {
        return ReconcileResult.noOperation(null);
      }
      return super.reconcile(primary, context);
    }
  }

  @KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class Replication extends GeneratedSecretDependent {
    @Override
    protected String name(ClusterNames names) {
      return names.replicationSecret();
    }

    @Override
    protected Secret build(TradingDatabase primary, ClusterModel model, PasswordSource passwords) {
      return ClusterSecrets.replication(primary, model, passwords.next(), passwords.next());
    }
  }

  /** Password of the pooler's lookup login (auth_query). */
  @KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class PoolerAuth extends GeneratedSecretDependent {
    @Override
    protected String name(ClusterNames names) {
      return names.poolerAuthSecret();
    }

    @Override
    protected Secret build(TradingDatabase primary, ClusterModel model, PasswordSource passwords) {
      return PoolerConfigMap.authSecret(model, passwords.next());
    }
  }

  /** Password of the exporter's monitoring login. */
  @KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class MonitoringAuth extends GeneratedSecretDependent {
    @Override
    protected String name(ClusterNames names) {
      return names.monitoringSecret();
    }

    @Override
    protected Secret build(TradingDatabase primary, ClusterModel model, PasswordSource passwords) {
      return MonitoringConfigMap.authSecret(model, passwords.next());
    }
  }
}
