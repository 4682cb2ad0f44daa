package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Applies the PodMonitor and PrometheusRule of a cluster where the Prometheus Operator's CRDs
 * exist. They are unstructured objects addressed with an explicit resource definition, so a
 * cluster without those CRDs costs one cached lookup and no informer, and nothing fails.
 */
public final class PrometheusOperatorObjects {

  private static final Duration RECHECK_ABSENT = Duration.ofMinutes(5);

  private record Kind(String crd, ResourceDefinitionContext context,
      Function<ClusterModel, GenericKubernetesResource> builder, boolean podMonitor) {}

  private static final List<Kind> KINDS = List.of(
      new Kind(PrometheusOperatorResources.POD_MONITOR_CRD, definition("PodMonitor", "podmonitors"),
          PodMonitorBuilder::build, true),
      new Kind(PrometheusOperatorResources.PROMETHEUS_RULE_CRD, definition("PrometheusRule", "prometheusrules"),
          PrometheusRuleBuilder::build, false));

  private final KubernetesClient client;
  private final Clock clock;
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> absentSince = new ConcurrentHashMap<>();

  public PrometheusOperatorObjects(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Creates, updates or deletes both objects; writes only when something differs. */
  public void reconcile(HasMetadata owner, ClusterModel model) {
    Set<String> crds = new HashSet<>();
    for (Kind kind : KINDS) {
      if (crdPresent(kind.crd())) {
        crds.add(kind.crd());
      }
    }
    for (Kind kind : KINDS) {
      if (!crds.contains(kind.crd())) {
        continue;
      }
      boolean wanted = kind.podMonitor()
          ? PrometheusOperatorResources.shouldCreatePodMonitor(model, crds)
          : PrometheusOperatorResources.shouldCreatePrometheusRule(model, crds);
      var resources = client.genericKubernetesResources(kind.context()).inNamespace(model.names().namespace());
      GenericKubernetesResource desired = kind.builder().apply(model);
      GenericKubernetesResource actual = resources.withName(desired.getMetadata().getName()).get();
      if (wanted) {
        desired.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(owner)));
        if (actual == null) {
          resources.resource(desired).create();
        } else if (!sameContent(desired, actual)) {
          desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
          resources.resource(desired).update();
        }
      } else if (actual != null) {
        resources.withName(actual.getMetadata().getName()).delete();
      }
    }
  }

  static boolean sameContent(GenericKubernetesResource desired, GenericKubernetesResource actual) {
    return Objects.equals(desired.getAdditionalProperties().get("spec"), actual.getAdditionalProperties().get("spec"))
        && actual.getMetadata().getLabels() != null
        && actual.getMetadata().getLabels().entrySet().containsAll(desired.getMetadata().getLabels().entrySet());
  }

  private boolean crdPresent(String crd) {
    if (present.contains(crd)) {
      return true;
    }
    Instant since = absentSince.get(crd);
    if (since != null && since.plus(RECHECK_ABSENT).isAfter(Instant.now(clock))) {
      return false;
    }
    boolean found = client.apiextensions().v1().customResourceDefinitions().withName(crd).get() != null;
    if (found) {
      present.add(crd);
    } else {
      absentSince.put(crd, Instant.now(clock));
    }
    return found;
  }

  private static ResourceDefinitionContext definition(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("monitoring.coreos.com")
        .withVersion("v1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
