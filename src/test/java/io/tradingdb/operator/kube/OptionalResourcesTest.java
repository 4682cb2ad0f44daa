package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.tradingdb.operator.testsupport.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An optional kind counts as served only while its CRD is Established and not being deleted. A CRD
 * whose deletion was under way when an operator started made the API server answer 404 to the
 * informer's list, and every reconcile of a TradingDatabase failed until its retries ran out
 * (VolumeAutoGrowOnRealNodeIT, right after AlertsEndToEndIT had deleted the Prometheus Operator's CRDs).
 */
@EnableKubernetesMockClient(crud = true)
class OptionalResourcesTest {

  private static final OptionalResources.Kind KIND =
      OptionalResources.Kind.of("monitoring.coreos.com", "v1alpha1", "AlertmanagerConfig", "alertmanagerconfigs");

  KubernetesMockServer server;
  KubernetesClient client;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T09:00:00Z"));

  @Test
  void aCrdCountsOnlyWhileEstablishedAndNotBeingDeleted() {
    assertThat(OptionalResources.served(null)).isFalse();
    assertThat(OptionalResources.served(crd(null, false))).isFalse();
    assertThat(OptionalResources.served(crd("False", false))).isFalse();
    assertThat(OptionalResources.served(crd("True", true))).isFalse();
    assertThat(OptionalResources.served(crd("True", false))).isTrue();
  }

  @Test
  void aKindInstalledLaterIsFoundAtTheNextLookupAndOneUninstalledIsDroppedAtTheNextLookup() {
    OptionalResources optional = new OptionalResources(client, clock);
    assertThat(optional.installed(KIND)).isFalse();

    client.resource(crd("True", false)).create();
    assertThat(optional.installed(KIND)).as("cached for five minutes").isFalse();
    clock.advance(OptionalResources.RECHECK.plusSeconds(1));
    assertThat(optional.installed(KIND)).isTrue();

    client.apiextensions().v1().customResourceDefinitions().withName(KIND.crd()).delete();
    assertThat(optional.installed(KIND)).as("cached for five minutes").isTrue();
    clock.advance(OptionalResources.RECHECK.plusSeconds(1));
    assertThat(optional.installed(KIND)).isFalse();
  }

  @Test
  void aCrdBeingDeletedWhenTheOperatorStartsIsNotServed() {
    // the API server's own finalizer keeps a deleted CRD until its objects are gone
    CustomResourceDefinition crd = crd("True", false);
    crd.getMetadata().getFinalizers().add("customresourcecleanup.apiextensions.k8s.io");
    client.resource(crd).create();
    client.apiextensions().v1().customResourceDefinitions().withName(KIND.crd()).delete();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName(KIND.crd()).get().getMetadata()
        .getDeletionTimestamp()).as("still there, being deleted").isNotNull();

    assertThat(new OptionalResources(client, clock).installed(KIND)).isFalse();
  }

  private static CustomResourceDefinition crd(String established, boolean deleting) {
    var builder = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(KIND.crd())
        .withDeletionTimestamp(deleting ? "2026-12-03T09:15:30Z" : null).endMetadata()
        .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
        .withNewNames().withKind("AlertmanagerConfig").withPlural("alertmanagerconfigs").endNames()
        .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true).endVersion()
        .endSpec();
    if (established != null) {
      builder.withNewStatus().addNewCondition().withType("Established").withStatus(established).endCondition()
          .endStatus();
    }
    return builder.build();
  }
}
