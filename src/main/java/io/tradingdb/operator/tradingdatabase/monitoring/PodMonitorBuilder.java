package io.tradingdb.operator.tradingdatabase.monitoring;

import static io.tradingdb.operator.tradingdatabase.monitoring.PrometheusOperatorKinds.ordered;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.List;
import java.util.Map;

/**
 * One PodMonitor for the cluster's PostgreSQL and pooler pods: every exporter port is named
 * {@link MetricsPort#NAME}. Each series gets {@code tradingdatabase} and {@code component} labels,
 * which the alert rules and the dashboard select on.
 */
public final class PodMonitorBuilder {

  public static final String SCRAPE_INTERVAL = "30s";

  private PodMonitorBuilder() {}

  public static GenericKubernetesResource build(ClusterModel model) {
    Map<String, Object> endpoint = ordered(
        "port", MetricsPort.NAME,
        "path", "/metrics",
        "interval", SCRAPE_INTERVAL,
        "relabelings", List.of(
            relabel(Labels.INSTANCE, "tradingdatabase"),
            relabel(Labels.COMPONENT, "component")));
    Map<String, Object> spec = ordered(
        "selector", ordered("matchLabels", ordered(
            Labels.NAME, "tradingdatabase",
            Labels.INSTANCE, model.names().cluster())),
        "podMetricsEndpoints", List.of(endpoint));
    return PrometheusOperatorKinds.resource("PodMonitor", model.names().podMonitor(), model, spec);
  }

  private static Map<String, Object> relabel(String podLabel, String target) {
    String meta = "__meta_kubernetes_pod_label_" + podLabel.replaceAll("[^A-Za-z0-9_]", "_");
    return ordered("sourceLabels", List.of(meta), "targetLabel", target, "action", "replace");
  }
}
