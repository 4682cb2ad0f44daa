package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.testsupport.RealCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed CRDs install and become Established; every sample is accepted as written. */
class CrdsAndSamplesIT {

  static KubernetesClient client;
  static String ns;

  @BeforeAll
  static void install() {
    client = RealCluster.client();
    RealCluster.installCrds(client);
    ns = RealCluster.createNamespace(client, "samples-it", Map.of());
  }


  @Test
  void everyCrdIsEstablishedWithItsCategoryAndShortName() {
    List<CustomResourceDefinition> crds = client.apiextensions().v1().customResourceDefinitions().list().getItems()
        .stream().filter(c -> c.getSpec().getGroup().equals("tradingdb.io")).toList();
    assertThat(crds).extracting(c -> c.getMetadata().getName())
        .containsAll(crdNamesInRepository());
    for (CustomResourceDefinition crd : crds) {
      assertThat(RealCluster.established(crd)).as(crd.getMetadata().getName()).isTrue();
      assertThat(crd.getSpec().getNames().getCategories()).contains("trading");
      assertThat(crd.getSpec().getNames().getShortNames()).isNotEmpty();
    }
  }

  @Test
  void everySampleIsAcceptedByTheApiServer() throws IOException {
    List<Path> samples;
    try (Stream<Path> files = Files.list(Path.of("samples"))) {
      samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(samples).isNotEmpty();
    for (Path file : samples) {
      for (HasMetadata resource : client.load(Files.newInputStream(file)).items()) {
        resource.getMetadata().setNamespace(ns);
        HasMetadata created = client.resource(resource).fieldManager("kubectl").serverSideApply();
        assertThat(created.getMetadata().getUid()).as(file.toString()).isNotBlank();
      }
    }
  }

  private static List<String> crdNamesInRepository() {
    try (Stream<Path> files = Files.list(RealCluster.COMMITTED_CRDS)) {
      return files.map(f -> f.getFileName().toString().replace(".yaml", "")).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
