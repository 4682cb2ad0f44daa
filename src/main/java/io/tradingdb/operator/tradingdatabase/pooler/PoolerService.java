package io.tradingdb.operator.tradingdatabase.pooler;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.Optional;

/** The {@code <cluster>-pooler} Service applications connect to, and the pooler's disruption budget. */
public final class PoolerService {

  private PoolerService() {}

  public static Service service(ClusterModel model) {
    ClusterNames names = model.names();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(names.poolerService())
        .withNamespace(names.namespace())
        .withLabels(PoolerDeployment.labels(model))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(PoolerDeployment.selector(model))
        .addNewPort()
        .withName(PoolerDeployment.PORT_NAME)
        .withPort(ClusterNames.POOLER_PORT)
        .withTargetPort(new IntOrString(PoolerDeployment.PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** One pooler pod at a time may be evicted; empty (delete it) with a single instance. */
  public static Optional<PodDisruptionBudget> disruptionBudget(ClusterModel model) {
    if (model.pooler().instances() < 2) {
      return Optional.empty();
    }
    ClusterNames names = model.names();
    return Optional.of(new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(names.poolerDisruptionBudget())
        .withNamespace(names.namespace())
        .withLabels(PoolerDeployment.labels(model))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector().withMatchLabels(PoolerDeployment.selector(model)).endSelector()
        .endSpec()
        .build());
  }
}
