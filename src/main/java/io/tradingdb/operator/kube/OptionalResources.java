package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kinds that only some clusters serve (Prometheus Operator, cert-manager), and whether this one
 * does: a cluster without the CRD costs one cached lookup every five minutes, and nothing fails.
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
}
