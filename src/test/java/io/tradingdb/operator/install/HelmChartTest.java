package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** helm lint and helm template of the chart: values schema, the operator's Deployment and its companions. */
class HelmChartTest {

  private static final String OPERATOR = HelmChart.RELEASE;
  private static final String SERVICE_MONITOR_CAPABILITY = ".Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\"";

  @Test
  void lintPassesInStrictMode() {
    LintResult lint = HelmChart.lint(HelmChart.CHART_DIR);

    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void lintRefusesValuesOfTheWrongType(@TempDir Path copy) throws IOException {
    HelmChart.copyChart(copy);
    Path values = copy.resolve("values.yaml");
    Files.writeString(values, Files.readString(values).replace("replicaCount: 2", "replicaCount: \"two\""));

    LintResult lint = HelmChart.lint(copy);

    assertThat(lint.isFailed()).isTrue();
    assertThat(String.join("\n", lint.getMessages())).contains("replicaCount");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "replicaCount: two|replicaCount",
        "replicaCount: 0|replicaCount",
        "logFormat: xml|logFormat",
        "watchNamespaces: [Trading_Dev]|watchNamespaces",
        "watchNamespaces: trading-dev|watchNamespaces",
        "replicas: 2|replicas",
        "image: {pullPolicy: Sometimes}|pullPolicy",
        "resources: {limits: {memory: lots}}|memory",
        "metrics: {serviceMonitor: {enabled: yes please}}|enabled",
      })
  void templateRefusesValuesTheSchemaForbids(String values, String namedField) {
    assertThatThrownBy(() -> HelmChart.template(values + "\n"))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(namedField);
  }

  @Test
  void anExistingServiceAccountMustBeNamed() {
    assertThatThrownBy(() -> HelmChart.template("serviceAccount: {create: false}\n"))
        .hasMessageContaining("serviceAccount.name is required when serviceAccount.create is false");
    Rendered chart = Rendered.of("serviceAccount: {create: false, name: platform-operator}\n");
    assertThat(chart.all(ServiceAccount.class)).isEmpty();
    assertThat(chart.get(Deployment.class, HelmChart.NAMESPACE, OPERATOR).getSpec().getTemplate().getSpec()
        .getServiceAccountName()).isEqualTo("platform-operator");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "watchNamespaces: [trading-dev, trading-prod]\n",
      "createNamespace: true\nreplicaCount: 1\nserviceAccount: {create: false, name: existing}\n",
  })
  void everyRenderedObjectParsesWithoutUnknownFields(String values) {
    Rendered chart = Rendered.of(values);

    assertThat(chart.objects()).isNotEmpty().allSatisfy(object -> {
      assertThat(object.getApiVersion()).isNotBlank();
      assertThat(object.getMetadata().getName()).isNotBlank();
      assertThat(UnknownFields.in(object)).as(object.getKind()).isEmpty();
    });
  }

  @Test
  void deploymentRunsTwoReplicasUnderTheRestrictedPodSecurityStandard() {
    Deployment deployment = Rendered.of("").get(Deployment.class, HelmChart.NAMESPACE, OPERATOR);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = operatorContainer(deployment);
    SecurityContext security = operator.getSecurityContext();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getServiceAccountName()).isEqualTo(OPERATOR);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getEmptyDir()).isNotNull());
  }

  @Test
  void operatorServesMetricsAndProbesOnPortHttp() {
    Container operator = operatorContainer(Rendered.of("").get(Deployment.class, HelmChart.NAMESPACE, OPERATOR));

    assertThat(operator.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getContainerPort()).isEqualTo(8080);
    });
    assertProbe(operator.getLivenessProbe(), "/healthz");
    assertProbe(operator.getStartupProbe(), "/healthz");
    assertProbe(operator.getReadinessProbe(), "/readyz");
  }

  @Test
  void operatorGetsItsConfigurationFromTheEnvironment() {
    Rendered chart = Rendered.of("watchNamespaces: [trading-dev, trading-prod]\nlogFormat: text\n");
    Container operator = operatorContainer(chart.get(Deployment.class, HelmChart.NAMESPACE, OPERATOR));
    Map<String, EnvVar> env = operator.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, var -> var));

    assertThat(env).containsOnlyKeys(
        "WATCH_NAMESPACES", "OPERATOR_NAMESPACE", "LOG_FORMAT", "LEADER_ELECTION", "HTTP_PORT", "JAVA_TOOL_OPTIONS",
        "EXTERNAL_TARGETS_ALLOWED", "EXTERNAL_TARGETS_DENIED");
    // The chart's defaults are the operator's own, so an install without the values behaves like one with them.
    assertThat(env.get("EXTERNAL_TARGETS_ALLOWED").getValue()).isEqualTo(ExternalTargetPolicy.DEFAULT_ALLOWED);
    assertThat(env.get("EXTERNAL_TARGETS_DENIED").getValue()).isEqualTo(ExternalTargetPolicy.DEFAULT_DENIED);
    assertThat(env.get("WATCH_NAMESPACES").getValue()).isEqualTo("trading-dev,trading-prod");
    assertThat(env.get("OPERATOR_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(env.get("LOG_FORMAT").getValue()).isEqualTo("text");
    assertThat(env.get("LEADER_ELECTION").getValue()).isEqualTo("true");
    assertThat(env.get("HTTP_PORT").getValue()).isEqualTo("8080");
  }

  @Test
  void jvmStaysWithinTheMemoryLimit() {
    Container operator = operatorContainer(Rendered.of("").get(Deployment.class, HelmChart.NAMESPACE, OPERATOR));
    String jvmOptions = operator.getEnv().stream().filter(var -> var.getName().equals("JAVA_TOOL_OPTIONS"))
        .findFirst().orElseThrow().getValue();

    assertThat(operator.getResources().getRequests()).containsEntry("memory", new Quantity("256Mi"));
    assertThat(operator.getResources().getLimits()).containsEntry("memory", new Quantity("384Mi"));
    assertThat(List.of(jvmOptions.split(" "))).contains(
        "-XX:MaxRAMPercentage=40", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=32m",
        "-XX:MaxDirectMemorySize=32m", "-Xss512k", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
        // the old generation holds the informer caches: 4/5 of the heap, not 2/3 (issue 18)
        "-XX:NewRatio=4");
  }

  @Test
  void metricsServiceSelectsTheOperatorPodsOnPortHttp() {
    Rendered chart = Rendered.of("");
    Service service = chart.get(Service.class, HelmChart.NAMESPACE, OPERATOR + "-metrics");
    Deployment deployment = chart.get(Deployment.class, HelmChart.NAMESPACE, OPERATOR);

    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
    });
    assertThat(chart.find(ServiceAccount.class, HelmChart.NAMESPACE, OPERATOR)).isPresent();
  }

  @Test
  void disruptionBudgetKeepsOneReplicaAndIsLeftOutForASingleReplica() {
    PodDisruptionBudget budget = Rendered.of("").get(PodDisruptionBudget.class, HelmChart.NAMESPACE, OPERATOR);

    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(Rendered.of("replicaCount: 1\n").all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void serviceMonitorNeedsBothTheValueAndThePrometheusOperatorApi() {
    // helm template offline knows no monitoring.coreos.com/v1: enabling alone renders nothing.
    assertThat(Rendered.of("metrics: {serviceMonitor: {enabled: true}}\n").all(GenericKubernetesResource.class))
        .isEmpty();
  }

  @Test
  void serviceMonitorScrapesPortHttpWhenTheApiIsServed(@TempDir Path copy) throws IOException {
    HelmChart.copyChart(copy);
    // helm-java has no --api-versions flag: stand in for a cluster that serves monitoring.coreos.com/v1.
    Path template = copy.resolve("templates/servicemonitor.yaml");
    String original = Files.readString(template);
    assertThat(original).contains(SERVICE_MONITOR_CAPABILITY);
    Files.writeString(template, original.replace(SERVICE_MONITOR_CAPABILITY, "true"));

    String values = "metrics: {serviceMonitor: {enabled: true, labels: {release: prometheus}}}\n";
    List<HasMetadata> objects = HelmChart.parse(HelmChart.template(copy, values));

    assertThat(objects).filteredOn(object -> object.getKind().equals("ServiceMonitor")).singleElement()
        .isInstanceOfSatisfying(GenericKubernetesResource.class, monitor -> {
          assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
          assertThat(monitor.<String>get("spec", "endpoints", 0, "port")).isEqualTo("http");
          assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/metrics");
        });
    assertThat(HelmChart.parse(HelmChart.template(copy, "")))
        .noneMatch(object -> object.getKind().equals("ServiceMonitor"));
  }

  @Test
  void everyObjectCarriesTheOperatorsSyncWave() {
    assertThat(Rendered.of("").objects()).allSatisfy(object -> assertThat(object.getMetadata().getAnnotations())
        .as(object.getKind()).containsEntry("argocd.argoproj.io/sync-wave", "0"));
  }

  private static Container operatorContainer(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(Container::getName).containsExactly("operator");
    return containers.get(0);
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).as(path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }
}
