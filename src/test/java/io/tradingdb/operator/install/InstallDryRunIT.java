package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.testsupport.RealCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rendered chart and manifests/ apply cleanly to a real API server (server-side dry run). */
class InstallDryRunIT {

  @Test
  void manifestsApplyWithServerSideDryRun() throws Exception {
    try (KubernetesClient client = RealCluster.client()) {
      RealCluster.installCrds(client);
      List<HasMetadata> objects =
          HelmChart.parse(Files.readString(Path.of("manifests/tradingdb-operator.yaml")));
      assertThat(objects).hasSizeGreaterThan(5);
      dryRunApply(client, objects);
    }
  }

  @Test
  void renderedChartAppliesWithServerSideDryRunInBothModes() {
    try (KubernetesClient client = RealCluster.client()) {
      RealCluster.installCrds(client);
      dryRunApply(client, HelmChart.parse(HelmChart.template("createNamespace: true\n")));
      client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName("trading-watched").endMetadata().build()).fieldManager("tests").serverSideApply();
      dryRunApply(client, HelmChart.parse(HelmChart.template("watchNamespaces: [trading-watched]\n")));
    }
  }

  private static void dryRunApply(KubernetesClient client, List<HasMetadata> objects) {
    // The Namespace first, for real: a dry run of it does not make the namespaced objects valid.
    objects.stream().filter(o -> "Namespace".equals(o.getKind()))
        .forEach(o -> client.resource(o).fieldManager("tests").forceConflicts().serverSideApply());
    for (HasMetadata o : objects) {
      HasMetadata result = client.resource(o).dryRun().fieldManager("tests").forceConflicts().serverSideApply();
      assertThat(result.getMetadata().getName()).as(o.getKind()).isEqualTo(o.getMetadata().getName());
    }
  }
}
