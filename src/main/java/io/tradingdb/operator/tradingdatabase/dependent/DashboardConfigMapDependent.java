package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.DashboardConfigMap;

@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterConfigMapDependent.CachedConfigMaps.class))
public class DashboardConfigMapDependent extends ClusterConfigMapDependent {

  @Override
  protected String name(ClusterNames names) {
    return names.dashboardConfig();
  }

  @Override
  protected ConfigMap build(
      TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context) {
    return DashboardConfigMap.build(model);
  }

  /** The dashboard's digest depends on the cluster's names only: hashed once per cluster, not per reconcile. */
  @Override
  protected ConfigMap withDataDigests(ConfigMap desired, TradingDatabase primary) {
    ClusterNames names = names(primary);
    return InformerCaches.withDataDigests(desired, dashboard -> DashboardConfigMap.digest(names));
  }
}
