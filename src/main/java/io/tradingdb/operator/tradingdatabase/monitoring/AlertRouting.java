package io.tradingdb.operator.tradingdatabase.monitoring;

import static io.tradingdb.operator.tradingdatabase.monitoring.PrometheusOperatorKinds.ordered;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * spec.monitoring.alerting as Alertmanager routing: an AlertmanagerConfig for the Prometheus
 * Operator, and the same route and receiver for a plain alertmanager.yml (docs/monitoring.md shows
 * it; the alert tests run Alertmanager with it). Both select the cluster's alerts by the
 * {@code namespace} and {@code tradingdatabase} labels every rule of {@link PrometheusRuleBuilder}
 * carries, and read the webhook URL from the Secret, never inline.
 */
public final class AlertRouting {

  public static final String API_VERSION = "monitoring.coreos.com/v1alpha1";
  public static final List<String> GROUP_BY = List.of("alertname", "namespace", "tradingdatabase");
  public static final String GROUP_WAIT = "30s";
  public static final String GROUP_INTERVAL = "5m";
  public static final String REPEAT_INTERVAL = "4h";
  /** Slack message title and text: what fired or resolved, where, and each alert's description. */
  public static final String TITLE = "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}"
      + "{{ end }}] {{ .CommonLabels.alertname }} on {{ .CommonLabels.namespace }}/{{ .CommonLabels.tradingdatabase }}";
  public static final String TEXT = "{{ range .Alerts }}*{{ .Annotations.summary }}* ({{ .Labels.severity }})\n"
      + "{{ .Annotations.description }}\n{{ end }}";

  private AlertRouting() {}

  /** The receiver's name in both forms. */
  public static String receiverName(ClusterModel model) {
    return "tradingdb-" + model.names().namespace() + "-" + model.names().cluster();
  }

  /** Null when spec.monitoring.alerting is unset or monitoring is off (then there are no rules to route). */
  public static GenericKubernetesResource alertmanagerConfig(ClusterModel model) {
    if (!model.monitoring().enabled() || model.monitoring().alerting().isEmpty()) {
      return null;
    }
    ClusterModel.Alerting alerting = model.monitoring().alerting().get();
    Map<String, Object> receiver = ordered("name", receiverName(model));
    alerting.slack().ifPresent(slack -> {
      Map<String, Object> config = ordered(
          "apiURL", ordered("name", slack.webhookUrl().secret(), "key", slack.webhookUrl().key()));
      if (slack.channel() != null) {
        config.put("channel", slack.channel());
      }
      config.put("sendResolved", true);
      config.put("title", TITLE);
      config.put("text", TEXT);
      receiver.put("slackConfigs", List.of(config));
    });
    alerting.webhookUrl().ifPresent(url -> receiver.put("webhookConfigs", List.of(ordered(
        "urlSecret", ordered("name", url.secret(), "key", url.key()), "sendResolved", true))));
    // The Prometheus Operator adds a namespace matcher to every AlertmanagerConfig route itself.
    Map<String, Object> route = ordered(
        "receiver", receiverName(model),
        "groupBy", GROUP_BY,
        "groupWait", GROUP_WAIT,
        "groupInterval", GROUP_INTERVAL,
        "repeatInterval", REPEAT_INTERVAL,
        "matchers", List.of(ordered("name", "tradingdatabase", "value", model.names().cluster(), "matchType", "=")));
    return PrometheusOperatorKinds.resource(API_VERSION, "AlertmanagerConfig",
        model.names().alertmanagerConfig(), model, ordered("route", route, "receivers", List.of(receiver)));
  }

  /**
   * The equivalent for a plain Alertmanager: a child route for the top-level {@code routes} list
   * and its receiver. {@code urlFile} is where Alertmanager reads the Secret's URL from (mount the
   * Secret there); Alertmanager 0.25 reads Slack's URL from a file, the webhook's only inline.
   */
  public static Plain plain(ClusterModel model, String urlFile, String webhookUrl) {
    ClusterModel.Alerting alerting = model.monitoring().alerting().orElseThrow();
    Map<String, Object> route = ordered(
        "receiver", receiverName(model),
        "matchers", List.of("namespace=\"" + model.names().namespace() + "\"",
            "tradingdatabase=\"" + model.names().cluster() + "\""),
        "group_by", GROUP_BY,
        "group_wait", GROUP_WAIT,
        "group_interval", GROUP_INTERVAL,
        "repeat_interval", REPEAT_INTERVAL);
    Map<String, Object> receiver = ordered("name", receiverName(model));
    alerting.slack().ifPresent(slack -> {
      Map<String, Object> config = ordered("api_url_file", urlFile);
      if (slack.channel() != null) {
        config.put("channel", slack.channel());
      }
      config.put("send_resolved", true);
      config.put("title", TITLE);
      config.put("text", TEXT);
      receiver.put("slack_configs", new ArrayList<>(List.of(config)));
    });
    alerting.webhookUrl().ifPresent(url -> receiver.put("webhook_configs", List.of(ordered(
        "url", webhookUrl, "send_resolved", true))));
    return new Plain(route, receiver);
  }

  /** One entry for alertmanager.yml's {@code route.routes} and one for its {@code receivers}. */
  public record Plain(Map<String, Object> route, Map<String, Object> receiver) {}

  /** What status.alerting says; never the URL. */
  public static String statusMessage(ClusterModel model, boolean crdInstalled) {
    if (model.monitoring().alerting().isEmpty()) {
      return null;
    }
    if (!model.monitoring().enabled()) {
      return "spec.monitoring.enabled is false: there are no alert rules to route";
    }
    if (!crdInstalled) {
      return "the AlertmanagerConfig CRD (" + API_VERSION + ") is not installed, so no route was created: "
          + "add the equivalent route to Alertmanager's configuration (docs/monitoring.md, Routing alerts)";
    }
    ClusterModel.Alerting alerting = model.monitoring().alerting().get();
    String target = alerting.slack()
        .map(s -> "Slack" + (s.channel() == null ? "" : " channel " + s.channel())
            + " (URL from Secret " + s.webhookUrl().secret() + ")")
        .orElseGet(() -> "a webhook (URL from Secret " + alerting.webhookUrl().get().secret() + ")");
    return "AlertmanagerConfig " + model.names().alertmanagerConfig() + " routes this cluster's alerts to " + target;
  }
}
