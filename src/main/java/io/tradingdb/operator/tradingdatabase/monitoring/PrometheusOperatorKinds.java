package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.tradingdb.operator.kube.OptionalResources;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prometheus Operator kinds, built unstructured: the operator does not depend on their Java model,
 * and creates them only when the cluster has their CRDs (dependent/OptionalKindDependent).
 */
public final class PrometheusOperatorKinds {

  public static final String API_VERSION = "monitoring.coreos.com/v1";

  public static final OptionalResources.Kind POD_MONITOR =
      OptionalResources.Kind.of("monitoring.coreos.com", "v1", "PodMonitor", "podmonitors");
  public static final OptionalResources.Kind PROMETHEUS_RULE =
      OptionalResources.Kind.of("monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules");
  public static final OptionalResources.Kind ALERTMANAGER_CONFIG = OptionalResources.Kind.of(
      "monitoring.coreos.com", "v1alpha1", "AlertmanagerConfig", "alertmanagerconfigs");

  private PrometheusOperatorKinds() {}

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
