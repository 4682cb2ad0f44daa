package io.tradingdb.operator.tradingdatabase.network;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.tradingdb.operator.backup.BackupWorkloads;
import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.workload.ClusterServices;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ingress to the PostgreSQL pods of one cluster: PostgreSQL from its own pods (replication), its
 * pooler, the operator, backup Jobs and the clients the spec lists; Patroni's REST API only from
 * its own pods and the operator. Egress stays open: Patroni needs the API server, backups S3.
 */
public final class ClusterNetworkPolicy {

  /** Labels of the operator's pods, as the Helm chart sets them (selectorLabels plus component). */
  public static final Map<String, String> OPERATOR_POD_LABELS = ordered(Labels.NAME, Labels.OPERATOR, Labels.COMPONENT, "operator");
  /** Labels every backup Job's pod carries, whichever BackupSchedule made it. */
  public static final Map<String, String> BACKUP_POD_LABELS = ordered(Labels.NAME, "backupschedule", Labels.COMPONENT, "backup");
  static final String POOLER_COMPONENT = "pooler";
  /** Set by Kubernetes on every namespace; the only namespace label a tenant cannot forge. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private ClusterNetworkPolicy() {}

  /** Only built when {@code model.networkPolicy().enabled()}. */
  public static NetworkPolicy build(ClusterModel model, String operatorNamespace) {
    ClusterNames n = model.names();
    NetworkPolicyPeer ownPods = samePodsAs(ClusterServices.podSelector(model, null));
    NetworkPolicyPeer operator =
        new NetworkPolicyPeerBuilder()
            .withNamespaceSelector(namespaces(List.of(operatorNamespace)))
            .withPodSelector(new LabelSelectorBuilder().withMatchLabels(OPERATOR_POD_LABELS).build())
            .build();

    List<NetworkPolicyPeer> postgresClients = new ArrayList<>();
    if (model.pooler().enabled()) {
      postgresClients.add(samePodsAs(Labels.selector("tradingdatabase", n.cluster(), POOLER_COMPONENT)));
    }
    postgresClients.add(samePodsAs(BACKUP_POD_LABELS));
    postgresClients.addAll(allowedClients(model.networkPolicy()));

    List<NetworkPolicyIngressRule> rules = new ArrayList<>();
    rules.add(rule(List.of(ownPods, operator), ClusterNames.POSTGRES_PORT, ClusterNames.PATRONI_PORT));
    rules.add(rule(postgresClients, ClusterNames.POSTGRES_PORT));
    if (model.pgBackRest().isPresent()) {
      // pgBackRest's TLS server: only this cluster's backup Jobs (which also need its client certificate).
      rules.add(rule(List.of(samePodsAs(Map.of(BackupWorkloads.PGBACKREST_CLIENT_LABEL, n.cluster()))),
          PgBackRestConf.SERVER_PORT));
    }
    if (model.monitoring().enabled()) {
      // Metrics only, no data: open to any scraper, wherever Prometheus runs.
      rules.add(rule(List.of(), ClusterNames.EXPORTER_PORT));
    }

    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(n.networkPolicy())
        .withNamespace(n.namespace())
        .withLabels(Labels.of("tradingdatabase", n.cluster(), "postgresql"))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(ClusterServices.podSelector(model, null))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .withIngress(rules)
        .endSpec()
        .build();
  }

  /**
   * The pooler's own policy, built when the pooler runs: clients reach pgBouncer only from the
   * listed namespaces and pods (and the operator); its metrics port stays open to scrapers.
   */
  public static NetworkPolicy pooler(ClusterModel model, String operatorNamespace) {
    ClusterNames n = model.names();
    NetworkPolicyPeer operator =
        new NetworkPolicyPeerBuilder()
            .withNamespaceSelector(namespaces(List.of(operatorNamespace)))
            .withPodSelector(new LabelSelectorBuilder().withMatchLabels(OPERATOR_POD_LABELS).build())
            .build();
    List<NetworkPolicyPeer> clients = new ArrayList<>(allowedClients(model.networkPolicy()));
    clients.add(operator);
    List<NetworkPolicyIngressRule> rules = new ArrayList<>();
    rules.add(rule(clients, ClusterNames.POOLER_PORT));
    if (model.monitoring().enabled()) {
      rules.add(rule(List.of(), ClusterNames.POOLER_EXPORTER_PORT));
    }
    Map<String, String> poolerPods = Labels.selector("tradingdatabase", n.cluster(), POOLER_COMPONENT);
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(n.poolerNetworkPolicy())
        .withNamespace(n.namespace())
        .withLabels(Labels.of("tradingdatabase", n.cluster(), POOLER_COMPONENT))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(poolerPods)
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .withIngress(rules)
        .endSpec()
        .build();
  }

  private static List<NetworkPolicyPeer> allowedClients(ClusterModel.NetworkPolicy spec) {
    List<NetworkPolicyPeer> peers = new ArrayList<>();
    if (!spec.allowedNamespaces().isEmpty()) {
      peers.add(new NetworkPolicyPeerBuilder().withNamespaceSelector(namespaces(spec.allowedNamespaces())).build());
    }
    if (spec.allowedNamespaceSelector() != null) {
      peers.add(new NetworkPolicyPeerBuilder().withNamespaceSelector(spec.allowedNamespaceSelector()).build());
    }
    if (spec.allowedPods() != null) {
      peers.add(new NetworkPolicyPeerBuilder().withPodSelector(spec.allowedPods()).build());
    }
    return peers;
  }

  /** Pods in the policy's own namespace with these labels. */
  private static NetworkPolicyPeer samePodsAs(Map<String, String> labels) {
    return new NetworkPolicyPeerBuilder()
        .withPodSelector(new LabelSelectorBuilder().withMatchLabels(labels).build())
        .build();
  }

  private static LabelSelector namespaces(List<String> names) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(NAMESPACE_NAME_LABEL)
        .withOperator("In")
        .withValues(names)
        .endMatchExpression()
        .build();
  }

  /** Two labels in a stable order, so the YAML is the same on every run. */
  private static Map<String, String> ordered(String key1, String value1, String key2, String value2) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(key1, value1);
    labels.put(key2, value2);
    return Collections.unmodifiableMap(labels);
  }

  /** An empty peer list allows every source. */
  private static NetworkPolicyIngressRule rule(List<NetworkPolicyPeer> from, int... ports) {
    List<NetworkPolicyPort> tcp = new ArrayList<>();
    for (int port : ports) {
      tcp.add(new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build());
    }
    return new NetworkPolicyIngressRuleBuilder().withFrom(from).withPorts(tcp).build();
  }
}
