package io.tradingdb.operator.tradingdatabase.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.backup.BackupMetrics;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.postgres.ExporterQueries;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.pooler.Golden;
import io.tradingdb.operator.tradingdatabase.pooler.TestClusters;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MonitoringBuildersTest {

  /** Series that do not come from queries.yaml: the operator's backup metrics and other exporters. */
  static final Set<String> EXTERNAL_METRICS = Set.of(
      BackupMetrics.LAST_SUCCESS, BackupMetrics.LAST_FAILURE, BackupMetrics.SUCCESS_DEADLINE, BackupMetrics.FAILURES,
      BackupMetrics.COPY_LAST_SUCCEEDED,
      "pgbouncer_pools_client_maxwait_seconds", "pgbouncer_pools_client_active_connections",
      "pgbouncer_pools_client_waiting_connections", "pg_up");

  private static final Pattern METRIC = Pattern.compile("\\b((?:tradingdb|pgbouncer|pg)_[a-z_]+)\\s*[{(]");

  private final ClusterModel production = TestClusters.model("pooler/production.yaml");

  @Test
  void exporterSidecarAndItsConfig() {
    Golden.assertYaml("monitoring/exporter-container.yaml", ExporterSidecar.container(production));
    Golden.assertYaml("monitoring/exporter-volume.yaml", ExporterSidecar.volume(production));
    ConfigMap queries = MonitoringConfigMap.queriesConfigMap(production);
    assertThat(queries.getMetadata().getName()).isEqualTo("trading-monitoring");
    assertThat(queries.getData()).containsOnlyKeys(MonitoringConfigMap.QUERIES_KEY);
    assertThat(queries.getData().get(MonitoringConfigMap.QUERIES_KEY)).isEqualTo(ExporterQueries.text());
    Golden.assertYaml("monitoring/monitoring-secret.yaml",
        MonitoringConfigMap.authSecret(production, "not-a-real-password-only-for-golden-files"));
  }

  @Test
  void podMonitorAndRules() {
    Golden.assertYaml("monitoring/podmonitor.yaml", PodMonitorBuilder.build(production));
    Golden.assertYaml("monitoring/prometheusrule.yaml", PrometheusRuleBuilder.build(production));
  }

  @Test
  void thresholdsComeFromTheSpec() {
    ClusterModel custom = TestClusters.model("n", "t", """
          databaseName: ai_trading
          monitoring:
            alerts: {connectionsPercent: 70, databaseSize: 200Gi, cacheHitRatioPercent: 95,
                     replicationLag: 10s, poolerWait: 2s}
        """);
    @SuppressWarnings("unchecked")
    var rules = (List<Map<String, Object>>) PrometheusRuleBuilder.groups(custom).get(0).get("rules");
    assertThat(rules).extracting(r -> (String) r.get("expr")).anySatisfy(e -> assertThat(e).endsWith("> 70"))
        .anySatisfy(e -> assertThat(e).endsWith("> 214748364800"))
        .anySatisfy(e -> assertThat(e).endsWith("< 0.95"))
        .anySatisfy(e -> assertThat(e).contains("tradingdb_replica_lag_seconds").endsWith("> 10"))
        .anySatisfy(e -> assertThat(e).contains("pgbouncer_pools_client_maxwait_seconds").endsWith("> 2"));
  }

  @Test
  void errorAlertsCountOverTheSpecWindowWithAQuantityOfBytes() {
    ClusterModel custom = TestClusters.model("n", "t", """
          databaseName: ai_trading
          monitoring:
            alerts: {deadlocks: 3, tempFileBytes: 512Mi, errorWindow: 1d}
        """);
    @SuppressWarnings("unchecked")
    var rules = (List<Map<String, Object>>) PrometheusRuleBuilder.groups(custom).get(0).get("rules");
    assertThat(rules).extracting(r -> (String) r.get("expr"))
        .anySatisfy(e -> assertThat(e).contains("tradingdb_database_errors_deadlocks{").contains("[1d]").endsWith(">= 3"))
        .anySatisfy(e -> assertThat(e).contains("tradingdb_database_errors_temp_bytes{").contains("[1d]")
            .endsWith("> 536870912"))
        .anySatisfy(e -> assertThat(e).contains("tradingdb_database_errors_checksum_failures{").contains("[1d]"));
    assertThat(rules).extracting(r -> (String) ((Map<?, ?>) r.get("annotations")).get("summary"))
        .contains("3 or more deadlocks within 1d", "More than 512Mi written to temporary files within 1d");
    for (String bad : List.of("errorWindow: 0s", "tempFileBytes: lots")) {
      assertThatThrownBy(() -> TestClusters.model("n", "t", "databaseName: ai_trading\nmonitoring:\n  alerts: {" + bad + "}\n"))
          .isInstanceOf(io.tradingdb.operator.kube.InvalidSpecException.class)
          .hasMessageStartingWith("spec.monitoring.alerts.");
    }
  }

  @Test
  void everyAlertCarriesTheLabelsAlertmanagerRoutesOn() {
    @SuppressWarnings("unchecked")
    var rules = (List<Map<String, Object>>) PrometheusRuleBuilder.groups(production).get(0).get("rules");
    assertThat(rules).hasSize(23).allSatisfy(r -> assertThat((Map<String, Object>) r.get("labels"))
        .containsEntry("namespace", "markets").containsEntry("tradingdatabase", "trading").containsKey("severity"));
    // The production profile adds the no-backup-at-all alert; absent() keeps an empty result from meaning silence.
    assertThat(rules).extracting(r -> r.get("alert")).contains("TradingDbNoSuccessfulBackup");
    ClusterModel staging = TestClusters.model("pooler/staging-no-tls.yaml");
    @SuppressWarnings("unchecked")
    var stagingRules = (List<Map<String, Object>>) PrometheusRuleBuilder.groups(staging).get(0).get("rules");
    assertThat(stagingRules).extracting(r -> r.get("alert")).doesNotContain("TradingDbNoSuccessfulBackup");
  }

  @Test
  void alertingBecomesAnAlertmanagerConfigAndTheDocumentedPlainRoute() throws Exception {
    ClusterModel slack = TestClusters.model("markets", "trading", """
          databaseName: ai_trading
          monitoring:
            alerting:
              slack: {webhookUrlSecretRef: {name: slack-webhook}, channel: "#trading-alerts"}
        """);
    Golden.assertYaml("monitoring/alertmanagerconfig-slack.yaml", AlertRouting.alertmanagerConfig(slack));
    AlertRouting.Plain plain = AlertRouting.plain(slack, "/etc/alertmanager/secrets/slack-webhook/url", null);
    Map<String, Object> config = new java.util.LinkedHashMap<>();
    config.put("route", Map.of("routes", List.of(plain.route())));
    config.put("receivers", List.of(plain.receiver()));
    String documented = Serialization.asYaml(config);
    Golden.assertText("monitoring/alertmanager-plain-slack.yaml", documented);
    // docs/monitoring.md shows exactly this route.
    assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("docs/monitoring.md")))
        .contains(documented.replaceFirst("^---\n", ""));

    ClusterModel webhook = TestClusters.model("markets", "trading", """
          databaseName: ai_trading
          monitoring:
            alerting:
              webhook: {urlSecretRef: {name: pager, key: endpoint}}
        """);
    Golden.assertYaml("monitoring/alertmanagerconfig-webhook.yaml", AlertRouting.alertmanagerConfig(webhook));
    assertThat(AlertRouting.alertmanagerConfig(production)).isNull();
  }

  @Test
  void dashboardIsPerClusterAndLabelledForTheGrafanaSidecar() throws Exception {
    ConfigMap map = DashboardConfigMap.build(production);
    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(map.getData()).containsOnlyKeys("tradingdb-markets-trading.json");
    JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("tradingdb-markets-trading.json"));
    assertThat(dashboard.path("uid").asText()).startsWith("tradingdb-").hasSizeLessThanOrEqualTo(40)
        .isNotEqualTo(DashboardConfigMap.uid(TestClusters.model("pooler/staging-no-tls.yaml").names()));
    assertThat(dashboard.path("title").asText()).isEqualTo("TradingDB markets/trading");
    assertThat(dashboard.path("templating").path("list").findValuesAsText("value"))
        .contains("markets", "trading");
  }

  /**
   * The dashboard is rendered by substituting placeholders in a template printed once. It must be
   * the very text that printing the edited tree gives (what earlier versions applied), or an
   * upgrade would rewrite every cluster's dashboard ConfigMap.
   */
  @Test
  void dashboardSubstitutionPrintsWhatEditingTheTreeWould() throws Exception {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    for (ClusterModel model : List.of(production, TestClusters.model("pooler/staging-no-tls.yaml"))) {
      var names = model.names();
      ObjectNode tree = (ObjectNode) json.readTree(DashboardConfigMap.class.getResourceAsStream(DashboardConfigMap.RESOURCE));
      tree.put("uid", DashboardConfigMap.uid(names));
      tree.put("title", "TradingDB " + names.namespace() + "/" + names.cluster());
      int preselected = 0;
      for (JsonNode variable : tree.path("templating").path("list")) {
        String name = variable.path("name").asText();
        String value = name.equals("namespace") ? names.namespace() : name.equals("tradingdatabase") ? names.cluster() : null;
        if (value != null) {
          ((ObjectNode) variable).set("current", json.createObjectNode().put("text", value).put("value", value));
          preselected++;
        }
      }
      assertThat(preselected).isEqualTo(2);
      assertThat(DashboardConfigMap.dashboard(names)).isEqualTo(json.writeValueAsString(tree) + "\n")
          .doesNotContain("tradingdb.io/placeholder");
    }
  }

  /** The remembered digest is the one the ConfigMap cache computes from the applied text. */
  @Test
  void dashboardDigestIsTheCachesDigestOfTheText() {
    var staging = TestClusters.model("pooler/staging-no-tls.yaml");
    for (ClusterModel model : List.of(production, staging, production)) {
      ConfigMap cached = InformerCaches.configMapDigests(DashboardConfigMap.build(model), "tradingdb-operator");
      assertThat(cached.getData().values()).containsExactly(DashboardConfigMap.digest(model.names()));
    }
    assertThat(DashboardConfigMap.digest(production.names())).isNotEqualTo(DashboardConfigMap.digest(staging.names()));
  }

  @Test
  void everyMetricInRulesAndDashboardExists() throws Exception {
    Set<String> exported = new TreeSet<>(EXTERNAL_METRICS);
    ExporterQueries.all().values().forEach(q -> q.columns().stream()
        .filter(c -> !"LABEL".equals(c.usage()))
        .forEach(c -> exported.add(q.name() + "_" + c.name())));
    Set<String> used = new TreeSet<>();
    @SuppressWarnings("unchecked")
    var rules = (List<Map<String, Object>>) PrometheusRuleBuilder.groups(production).get(0).get("rules");
    rules.forEach(r -> collect((String) r.get("expr"), used));
    String dashboard = new String(
        DashboardConfigMap.class.getResourceAsStream(DashboardConfigMap.RESOURCE).readAllBytes());
    collect(dashboard, used);
    assertThat(used).hasSizeGreaterThan(15);
    assertThat(exported).containsAll(used);
  }

  @Test
  void everyQueryDescribesItsColumns() {
    assertThat(ExporterQueries.all()).containsKeys(
        "tradingdb_connections", "tradingdb_database", "tradingdb_table_size", "tradingdb_slow_queries",
        "tradingdb_cache", "tradingdb_indexes", "tradingdb_replication", "tradingdb_replica",
        "tradingdb_table_maintenance", "tradingdb_longest_query");
    ExporterQueries.all().values().forEach(q -> {
      assertThat(q.sql()).as(q.name()).isNotBlank();
      assertThat(q.columns()).as(q.name()).isNotEmpty().allSatisfy(c -> {
        assertThat(c.usage()).isIn("LABEL", "GAUGE", "COUNTER");
        assertThat(c.description()).isNotBlank();
      });
    });
  }

  private static void collect(String text, Set<String> into) {
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }
}
