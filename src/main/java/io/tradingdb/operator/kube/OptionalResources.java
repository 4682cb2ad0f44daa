package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kinds that only some clusters serve (Prometheus Operator, cert-manager), and whether this one
 * does. A kind counts as served when its CRD exists, is Established and is not being deleted: a CRD
 * that is still being set up, or whose deletion is under way, answers 404 to a list, and an informer
 * started on it fails every reconcile of every TradingDatabase. Either answer is looked up again after
 * five minutes, so a cluster without the CRD costs one cached lookup every five minutes, installing
 * the kind later needs no restart, and uninstalling it stops the informer instead of failing the
 * reconciles until the operator restarts.
 */
public class OptionalResources {

  static final Duration RECHECK = Duration.ofMinutes(5);

  /** A kind and the CRD that serves it. */
  public record Kind(String crd, ResourceDefinitionContext context) {
    public static Kind of(String group, String version, String kind, String plural) {
      return new Kind(plural + "." + group, new ResourceDefinitionContext.Builder()
          .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(true).build());
    }
  }

  private record Answer(boolean served, Instant at) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  public OptionalResources(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Whether the cluster serves the kind, as found at most five minutes ago. */
  public boolean installed(Kind kind) {
    Instant now = Instant.now(clock);
    Answer last = answers.get(kind.crd());
    if (last != null && last.at().plus(RECHECK).isAfter(now)) {
      return last.served();
    }
    boolean served = served(client.apiextensions().v1().customResourceDefinitions().withName(kind.crd()).get());
    answers.put(kind.crd(), new Answer(served, now));
    return served;
  }

  static boolean served(CustomResourceDefinition crd) {
    return established(crd) && crd.getMetadata().getDeletionTimestamp() == null;
  }

  /** Whether the API server reports the CRD Established (it serves the kind). */
  public static boolean established(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
