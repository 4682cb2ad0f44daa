package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus Operator kinds, built unstructured: the operator does not depend on their Java model,
 * and creates them only when the cluster has their CRDs.
 */
public final class PrometheusOperatorKinds {

  public static final String API_VERSION = "monitoring.coreos.com/v1";
  public static final String POD_MONITOR_CRD = "podmonitors.monitoring.coreos.com";
  public static final String PROMETHEUS_RULE_CRD = "prometheusrules.monitoring.coreos.com";

  private PrometheusOperatorKinds() {}

  /** Whether to create the PodMonitor, given the names of the CRDs installed in the cluster. */
  public static boolean shouldCreatePodMonitor(ClusterModel model, Set<String> crdNames) {
    return model.monitoring().enabled() && crdNames.contains(POD_MONITOR_CRD);
  }

  public static boolean shouldCreatePrometheusRule(ClusterModel model, Set<String> crdNames) {
    return model.monitoring().enabled() && crdNames.contains(PROMETHEUS_RULE_CRD);
  }

  /** A map that keeps the given order, so generated YAML is stable. */
  static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static GenericKubernetesResource resource(
      String kind, String name, ClusterModel model, Map<String, Object> spec) {
    return resource(API_VERSION, kind, name, model, spec);
  }

  static GenericKubernetesResource resource(
      String apiVersion, String kind, String name, ClusterModel model, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .withNamespace(model.names().namespace())
        .withLabels(MonitoringConfigMap.labels(model))
        .endMetadata()
        .withAdditionalProperties(ordered("spec", spec))
        .build();
  }
}
