package io.tradingdb.operator.tradingdatabase.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.testsupport.PrometheusOperatorCrds;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.tradingdatabase.pooler.TestClusters;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator writes for the Prometheus Operator, checked by the real kube-apiserver
 * against the Prometheus Operator's own CRDs (v0.93.0, vendored): the AlertmanagerConfig for
 * Slack and for a webhook, the PodMonitor and the PrometheusRule are accepted and stored without
 * a field pruned; an AlertmanagerConfig the schema forbids is refused, so the schema is in force.
 */
class AlertmanagerConfigSchemaIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  static KubernetesClient client;
  static String ns;

  @BeforeAll
  static void start() {
    client = RealCluster.client();
    PrometheusOperatorCrds.install(client);
    ns = RealCluster.createNamespace(client, "amconfig", Map.of());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.namespaces().withName(ns).delete();
      PrometheusOperatorCrds.delete(client);
    }
  }

  @Test
  void slackAndWebhookRoutesAreStoredAsTheOperatorWritesThem() {
    ClusterModel slack = model("slack", "slack: {webhookUrlSecretRef: {name: slack-webhook}, channel: \"#trading-alerts\"}");
    ClusterModel webhook = model("pager", "webhook: {urlSecretRef: {name: pager, key: endpoint}}");
    for (ClusterModel model : List.of(slack, webhook)) {
      assertStoredUnchanged(AlertRouting.alertmanagerConfig(model));
      assertStoredUnchanged(PodMonitorBuilder.build(model));
      assertStoredUnchanged(PrometheusRuleBuilder.build(model));
    }
  }

  @Test
  void theSchemaRefusesAnAlertmanagerConfigItForbids() {
    GenericKubernetesResource config = AlertRouting.alertmanagerConfig(
        model("bad", "slack: {webhookUrlSecretRef: {name: slack-webhook}}"));
    // First the valid object is accepted, then the same with a matcher type Alertmanager does not know.
    assertStoredUnchanged(config);
    @SuppressWarnings("unchecked")
    Map<String, Object> route = (Map<String, Object>) ((Map<String, Object>) config.getAdditionalProperties()
        .get("spec")).get("route");
    route.put("matchers", List.of(Map.of("name", "tradingdatabase", "value", "bad", "matchType", "==")));
    config.getMetadata().setName("bad-matcher");
    assertThatThrownBy(() -> client.resource(config).inNamespace(ns).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.route.matchers[0].matchType")
        .hasMessageContaining("Unsupported value: \"==\"");
  }

  private static ClusterModel model(String name, String alerting) {
    return TestClusters.model(ns, name, """
          databaseName: ai_trading
          monitoring:
            alerting:
              %s
        """.formatted(alerting));
  }

  /** Created with the server's strict field validation; what is read back holds every field sent. */
  private static void assertStoredUnchanged(GenericKubernetesResource object) {
    String[] apiVersion = object.getApiVersion().split("/");
    ResourceDefinitionContext kind = new ResourceDefinitionContext.Builder().withGroup(apiVersion[0])
        .withVersion(apiVersion[1]).withKind(object.getKind()).withPlural(object.getKind().toLowerCase() + "s")
        .withNamespaced(true).build();
    client.genericKubernetesResources(kind).inNamespace(ns).resource(object).fieldValidation(
        io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation.STRICT).create();
    GenericKubernetesResource stored = client.genericKubernetesResources(kind).inNamespace(ns)
        .withName(object.getMetadata().getName()).get();
    JsonNode sent = JSON.valueToTree(object.getAdditionalProperties().get("spec"));
    JsonNode kept = JSON.valueToTree(stored.getAdditionalProperties().get("spec"));
    assertThat(kept).as("%s %s as stored:\n%s", object.getKind(), object.getMetadata().getName(),
        Serialization.asYaml(stored)).isEqualTo(sent);
  }
}
