package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example Argo CD Application points at the chart and installs it the way the manifest does. */
class ArgoCdApplicationTest {

  @Test
  void applicationInstallsTheChartIntoTheOperatorNamespaceServerSide() {
    Path file = GeneratedFiles.PROJECT.resolve("argocd/application.yaml");
    GenericKubernetesResource application = (GenericKubernetesResource) HelmChart.parse(GeneratedFiles.read(file)).get(0);

    assertThat(application.getKind()).isEqualTo("Application");
    String chartPath = application.get("spec", "source", "path");
    assertThat(GeneratedFiles.PROJECT.resolve(chartPath)).isEqualTo(HelmChart.CHART_DIR);
    assertThat(application.<String>get("spec", "source", "helm", "releaseName")).isEqualTo(HelmChart.RELEASE);
    assertThat(application.<String>get("spec", "destination", "namespace")).isEqualTo(HelmChart.NAMESPACE);
    assertThat(application.<List<String>>get("spec", "syncPolicy", "syncOptions"))
        .contains("CreateNamespace=true", "ServerSideApply=true");
  }
}
