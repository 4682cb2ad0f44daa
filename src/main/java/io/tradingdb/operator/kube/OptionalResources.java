package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects of kinds that only some clusters have (Prometheus Operator, cert-manager). They are
 * unstructured and addressed with an explicit resource definition, so a cluster without the CRD
 * costs one cached lookup, no informer, and nothing fails.
 */
public class OptionalResources {

  private static final Duration RECHECK_ABSENT = Duration.ofMinutes(5);

  /** A kind and the CRD that serves it. */
  public record Kind(String crd, ResourceDefinitionContext context) {
    public static Kind of(String group, String version, String kind, String plural) {
      return new Kind(plural + "." + group, new ResourceDefinitionContext.Builder()
          .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(true).build());
    }
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> absentSince = new ConcurrentHashMap<>();

  public OptionalResources(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Whether the cluster serves the kind; a missing CRD is looked up again every five minutes. */
  public boolean installed(Kind kind) {
    if (present.contains(kind.crd())) {
      return true;
    }
    Instant since = absentSince.get(kind.crd());
    if (since != null && since.plus(RECHECK_ABSENT).isAfter(Instant.now(clock))) {
      return false;
    }
    boolean found = client.apiextensions().v1().customResourceDefinitions().withName(kind.crd()).get() != null;
    if (found) {
      present.add(kind.crd());
    } else {
      absentSince.put(kind.crd(), Instant.now(clock));
    }
    return found;
  }

  /**
   * Makes the object equal {@code desired}, or deletes it when {@code desired} is null; writes only
   * when the spec or labels differ. Call only when {@link #installed} is true.
   */
  public void reconcile(Kind kind, String namespace, String name, GenericKubernetesResource desired) {
    var resources = client.genericKubernetesResources(kind.context()).inNamespace(namespace);
    GenericKubernetesResource actual = resources.withName(name).get();
    if (desired == null) {
      if (actual != null) {
        resources.withName(name).delete();
      }
    } else if (actual == null) {
      resources.resource(desired).create();
    } else if (!sameContent(desired, actual)) {
      desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      resources.resource(desired).update();
    }
  }

  static boolean sameContent(GenericKubernetesResource desired, GenericKubernetesResource actual) {
    return Objects.equals(desired.getAdditionalProperties().get("spec"), actual.getAdditionalProperties().get("spec"))
        && actual.getMetadata().getLabels() != null
        && actual.getMetadata().getLabels().entrySet().containsAll(desired.getMetadata().getLabels().entrySet());
  }
}
