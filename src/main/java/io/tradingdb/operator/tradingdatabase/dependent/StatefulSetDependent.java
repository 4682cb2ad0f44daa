package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class StatefulSetDependent extends ClusterDependent<StatefulSet> {

  public StatefulSetDependent() {
    super(StatefulSet.class);
  }

  @Override
  protected String name(ClusterNames names) {
    return names.statefulSet();
  }

  @Override
  protected StatefulSet build(
      TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context) {
    StatefulSet existing = getSecondaryResource(primary, context).orElse(null);
    return ClusterStatefulSet.build(
        model,
        PatroniConfigMap.rolloutChecksum(model),
        ClusterStatefulSet.claimSizes(existing),
        ClusterDependent.operatorRollout(context));
  }
}
