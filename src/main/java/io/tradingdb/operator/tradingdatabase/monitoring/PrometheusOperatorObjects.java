package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tradingdb.operator.kube.OptionalResources;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The PodMonitor and PrometheusRule of a cluster, where the Prometheus Operator is installed. */
public final class PrometheusOperatorObjects {

  static final OptionalResources.Kind POD_MONITOR =
      OptionalResources.Kind.of("monitoring.coreos.com", "v1", "PodMonitor", "podmonitors");
  static final OptionalResources.Kind PROMETHEUS_RULE =
      OptionalResources.Kind.of("monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules");

  static final OptionalResources.Kind ALERTMANAGER_CONFIG = OptionalResources.Kind.of(
      "monitoring.coreos.com", "v1alpha1", "AlertmanagerConfig", "alertmanagerconfigs");

  private final OptionalResources optional;

  public PrometheusOperatorObjects(OptionalResources optional) {
    this.optional = optional;
  }

  /** Creates, updates or deletes the objects; returns status.alerting (null when alerting is unset). */
  public String reconcile(HasMetadata owner, ClusterModel model) {
    Set<String> crds = new HashSet<>();
    for (OptionalResources.Kind kind : List.of(POD_MONITOR, PROMETHEUS_RULE)) {
      if (optional.installed(kind)) {
        crds.add(kind.crd());
      }
    }
    if (crds.contains(POD_MONITOR.crd())) {
      apply(owner, model, POD_MONITOR, PrometheusOperatorKinds.shouldCreatePodMonitor(model, crds)
          ? PodMonitorBuilder.build(model) : null, model.names().podMonitor());
    }
    if (crds.contains(PROMETHEUS_RULE.crd())) {
      apply(owner, model, PROMETHEUS_RULE, PrometheusOperatorKinds.shouldCreatePrometheusRule(model, crds)
          ? PrometheusRuleBuilder.build(model) : null, model.names().prometheusRule());
    }
    boolean routing = optional.installed(ALERTMANAGER_CONFIG);
    if (routing) {
      apply(owner, model, ALERTMANAGER_CONFIG, AlertRouting.alertmanagerConfig(model), model.names().alertmanagerConfig());
    }
    return AlertRouting.statusMessage(model, routing);
  }

  private void apply(
      HasMetadata owner, ClusterModel model, OptionalResources.Kind kind, GenericKubernetesResource desired,
      String name) {
    if (desired != null) {
      desired.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(owner)));
    }
    optional.reconcile(kind, model.names().namespace(), name, desired);
  }
}
