package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus Operator's own CRDs for the kinds the operator writes, vendored from a release
 * (src/test/resources/prometheus-operator/SOURCE.md), so the API server validates against them.
 */
public final class PrometheusOperatorCrds {

  public static final List<String> PLURALS = List.of("alertmanagerconfigs", "podmonitors", "prometheusrules");

  private PrometheusOperatorCrds() {}

  public static CustomResourceDefinition load(String plural) {
    try (InputStream in = PrometheusOperatorCrds.class.getResourceAsStream(
        "/prometheus-operator/monitoring.coreos.com_" + plural + ".yaml")) {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Installs (or replaces) the three CRDs and waits until each is Established. */
  public static void install(KubernetesClient client) {
    for (String plural : PLURALS) {
      CustomResourceDefinition crd = load(plural);
      client.resource(crd).createOr(NonDeletingOperation::update);
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(RealCluster::established, 60, TimeUnit.SECONDS);
    }
  }

  /**
   * Deletes the three CRDs and waits until they are gone: the API server keeps a deleted CRD while it
   * removes its objects, and a test that starts an operator meanwhile finds it there but not served.
   */
  public static void delete(KubernetesClient client) {
    for (String plural : PLURALS) {
      client.apiextensions().v1().customResourceDefinitions().withName(plural + ".monitoring.coreos.com").delete();
    }
    for (String plural : PLURALS) {
      client.apiextensions().v1().customResourceDefinitions().withName(plural + ".monitoring.coreos.com")
          .waitUntilCondition(Objects::isNull, 60, TimeUnit.SECONDS);
    }
  }
}
