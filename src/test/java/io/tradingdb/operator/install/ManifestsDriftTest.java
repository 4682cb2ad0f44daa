package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * manifests/tradingdb-operator.yaml is the chart rendered with its CRDs prepended, for
 * {@code kubectl apply --server-side -f}. Run with {@code -Dgenerated.update=true} to rewrite it.
 */
class ManifestsDriftTest {

  static final Path MANIFEST = GeneratedFiles.PROJECT.resolve("manifests/tradingdb-operator.yaml");

  private static final String HEADER = """
      # tradingdb-operator: CRDs, the %s namespace, RBAC, the operator Deployment and its metrics Service.
      # Install: kubectl apply --server-side -f manifests/tradingdb-operator.yaml
      # Rendered from helm/tradingdb-operator (its crds/, then `helm template %s --namespace %s
      # --set createNamespace=true`). Do not edit: ManifestsDriftTest fails when it differs. Regenerate with:
      #   %s
      """.formatted(HelmChart.NAMESPACE, HelmChart.RELEASE, HelmChart.NAMESPACE, GeneratedFiles.REGENERATE_COMMAND);
  private static final Set<String> CLUSTER_SCOPED_KINDS =
      Set.of("CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterRoleBinding");

  static String render() {
    StringBuilder manifest = new StringBuilder(HEADER);
    for (Path crd : CrdCopies.chartCrds()) {
      manifest.append("---\n").append(withoutLeadingComments(GeneratedFiles.read(crd)));
    }
    manifest.append(HelmChart.template("createNamespace: true\n"));
    return manifest.toString();
  }

  @Test
  void manifestMatchesTheChart() {
    if (GeneratedFiles.UPDATE) {
      // The manifest embeds the chart's CRDs: bring them up to date first.
      CrdCopies.check();
    }
    GeneratedFiles.check(MANIFEST, render()).ifPresent(problem ->
        fail("The install manifest is out of date with the chart:\n\n" + problem));
  }

  @Test
  void manifestInstallsCrdsNamespaceAndOperatorInThatNamespace() {
    List<HasMetadata> objects = HelmChart.parse(render());

    assertThat(objects.stream().filter(CustomResourceDefinition.class::isInstance).map(o -> o.getMetadata().getName()))
        .containsExactlyElementsOf(CrdCopies.generated().keySet().stream()
            .map(file -> file.substring(0, file.length() - ".yaml".length())).toList());
    assertThat(objects).filteredOn(Namespace.class::isInstance).singleElement()
        .satisfies(namespace -> assertThat(namespace.getMetadata().getName()).isEqualTo(HelmChart.NAMESPACE))
        .satisfies(namespace -> assertThat(namespace.getMetadata().getLabels())
            .containsEntry("pod-security.kubernetes.io/enforce", "restricted"));
    assertThat(objects).extracting(HasMetadata::getKind)
        .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment");
    assertThat(objects).filteredOn(object -> !CLUSTER_SCOPED_KINDS.contains(object.getKind()))
        .allSatisfy(object -> assertThat(object.getMetadata().getNamespace())
            .as(object.getKind() + " " + object.getMetadata().getName()).isEqualTo(HelmChart.NAMESPACE));
  }

  private static String withoutLeadingComments(String yaml) {
    int start = 0;
    while (yaml.startsWith("#", start)) {
      start = yaml.indexOf('\n', start) + 1;
    }
    return yaml.substring(start);
  }
}
