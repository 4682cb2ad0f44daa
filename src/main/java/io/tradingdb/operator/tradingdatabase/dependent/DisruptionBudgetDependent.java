package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.workload.DisruptionBudgets;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class DisruptionBudgetDependent extends ClusterDependent<PodDisruptionBudget> {

  public DisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected String name(ClusterNames names) {
    return names.disruptionBudget();
  }

  @Override
  protected PodDisruptionBudget build(
      TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context) {
    return DisruptionBudgets.postgres(model);
  }
}
