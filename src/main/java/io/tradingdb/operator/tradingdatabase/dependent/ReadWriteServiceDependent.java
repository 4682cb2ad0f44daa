package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.workload.ClusterServices;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class ReadWriteServiceDependent extends ClusterDependent<Service> {

  public ReadWriteServiceDependent() {
    super(Service.class);
  }

  @Override
  protected String name(ClusterNames names) {
    return names.readWriteService();
  }

  @Override
  protected Service build(
      TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context) {
    return ClusterServices.readWrite(model);
  }
}
