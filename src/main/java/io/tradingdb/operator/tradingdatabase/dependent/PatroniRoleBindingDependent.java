package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.workload.PatroniRbac;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class PatroniRoleBindingDependent extends ClusterDependent<RoleBinding> {

  public PatroniRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected String name(ClusterNames names) {
    return names.patroniRole();
  }

  @Override
  protected RoleBinding build(
      TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context) {
    return PatroniRbac.roleBinding(model);
  }
}
