package io.tradingdb.operator.tradingdatabase.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Grafana dashboard (src/main/resources/monitoring/dashboard.json) in a ConfigMap the Grafana
 * sidecar picks up by its {@code grafana_dashboard} label. Each cluster gets its own uid and title,
 * with its namespace and name preselected, so dashboards of several clusters do not collide.
 */
public final class DashboardConfigMap {

  public static final String RESOURCE = "/monitoring/dashboard.json";
  public static final String SIDECAR_LABEL = "grafana_dashboard";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DashboardConfigMap() {}

  public static ConfigMap build(ClusterModel model) {
    ClusterNames names = model.names();
    Map<String, String> labels = new LinkedHashMap<>(MonitoringConfigMap.labels(model));
    labels.put(SIDECAR_LABEL, "1");
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.dashboardConfig())
        .withNamespace(names.namespace())
        .withLabels(labels)
        .endMetadata()
        .withData(Map.of("tradingdb-" + names.namespace() + "-" + names.cluster() + ".json", dashboard(names)))
        .build();
  }

  static String dashboard(ClusterNames names) {
    try (InputStream in = DashboardConfigMap.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      ObjectNode dashboard = (ObjectNode) JSON.readTree(in);
      dashboard.put("uid", uid(names));
      dashboard.put("title", "TradingDB " + names.namespace() + "/" + names.cluster());
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        String value = switch (variable.path("name").asText()) {
          case "namespace" -> names.namespace();
          case "tradingdatabase" -> names.cluster();
          default -> null;
        };
        if (value != null) {
          ((ObjectNode) variable).set("current", JSON.createObjectNode().put("text", value).put("value", value));
        }
      }
      return JSON.writeValueAsString(dashboard) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Grafana uids are at most 40 characters; a hash of namespace/name is stable and short. */
  static String uid(ClusterNames names) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((names.namespace() + "/" + names.cluster()).getBytes(StandardCharsets.UTF_8));
      return "tradingdb-" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
