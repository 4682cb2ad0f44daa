package io.tradingdb.operator.tradingdatabase.workload;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;

/** Keeps a voluntary disruption (node drain) from taking more than one instance at a time. */
public final class DisruptionBudgets {

  private DisruptionBudgets() {}

  /** Only built when {@link ClusterModel#highlyAvailable()}; with one instance it would block drains. */
  public static PodDisruptionBudget postgres(ClusterModel model) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(model.names().disruptionBudget())
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "postgresql"))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(ClusterServices.podSelector(model, null))
        .endSelector()
        .endSpec()
        .build();
  }
}
