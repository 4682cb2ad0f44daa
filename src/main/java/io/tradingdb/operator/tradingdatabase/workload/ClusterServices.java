package io.tradingdb.operator.tradingdatabase.workload;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three Services of a cluster. Routing follows Patroni: it labels the pod holding the leader
 * lock {@code role=primary} and the others {@code role=replica}, so a failover re-routes the
 * read-write Service without the operator taking part.
 */
public final class ClusterServices {

  public static final String ROLE_LABEL = "role";
  public static final String PRIMARY = "primary";
  public static final String REPLICA = "replica";

  private ClusterServices() {}

  /** Headless Service giving each pod a stable DNS name; it also backs the StatefulSet. */
  public static Service headless(ClusterModel model) {
    ClusterNames n = model.names();
    return base(model, n.headlessService(), podSelector(model, null))
        .editSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .addToPorts(port("patroni", ClusterNames.PATRONI_PORT))
        .endSpec()
        .build();
  }

  public static Service readWrite(ClusterModel model) {
    return base(model, model.names().readWriteService(), podSelector(model, PRIMARY)).build();
  }

  public static Service readOnly(ClusterModel model) {
    return base(model, model.names().readOnlyService(), podSelector(model, REPLICA)).build();
  }

  /** Labels selecting the cluster's PostgreSQL pods, optionally only those in one Patroni role. */
  public static Map<String, String> podSelector(ClusterModel model, String role) {
    Map<String, String> selector =
        new LinkedHashMap<>(Labels.selector("tradingdatabase", model.names().cluster(), "postgresql"));
    if (role != null) {
      selector.put(ROLE_LABEL, role);
    }
    return selector;
  }

  private static ServiceBuilder base(ClusterModel model, String name, Map<String, String> selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "postgresql"))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .addToPorts(port("postgresql", ClusterNames.POSTGRES_PORT))
        .endSpec();
  }

  private static ServicePort port(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withProtocol("TCP")
        .withTargetPort(new IntOrString(name))
        .build();
  }
}
