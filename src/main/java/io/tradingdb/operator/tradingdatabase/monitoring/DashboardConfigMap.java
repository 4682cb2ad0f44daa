package io.tradingdb.operator.tradingdatabase.monitoring;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.tradingdb.operator.kube.Digests;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

  /**
   * The dashboard of one cluster: the template with its uid, title and preselected variables.
   * Rendering it is a string substitution on {@link Template#TEXT}; parsing and printing 41 KB of
   * JSON on every reconcile of every cluster was 6.5% of the operator's CPU samples.
   */
  static String dashboard(ClusterNames names) {
    String title = "TradingDB " + names.namespace() + "/" + names.cluster();
    return Template.TEXT
        .replace(Template.quoted(Template.UID), Template.quoted(uid(names)))
        .replace(Template.quoted(Template.TITLE), Template.quoted(title))
        .replace(Template.quoted(Template.NAMESPACE), Template.quoted(names.namespace()))
        .replace(Template.quoted(Template.CLUSTER), Template.quoted(names.cluster()));
  }

  /**
   * The dashboard with its per-cluster values as placeholders, read and printed once. Each
   * placeholder is a whole JSON string, so replacing it (quotes included) by another JSON string
   * gives what printing the edited tree would.
   */
  private static final class Template {
    static final String UID = "tradingdb.io/placeholder:uid";
    static final String TITLE = "tradingdb.io/placeholder:title";
    static final String NAMESPACE = "tradingdb.io/placeholder:namespace";
    static final String CLUSTER = "tradingdb.io/placeholder:tradingdatabase";
    static final String TEXT = render();

    static String quoted(String value) {
      return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    private static String render() {
      try (InputStream in = DashboardConfigMap.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the classpath");
        }
        ObjectNode dashboard = (ObjectNode) JSON.readTree(in);
        dashboard.put("uid", UID);
        dashboard.put("title", TITLE);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
          String value = switch (variable.path("name").asText()) {
            case "namespace" -> NAMESPACE;
            case "tradingdatabase" -> CLUSTER;
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
  }

  /**
   * The digest the ConfigMap cache holds for {@link #dashboard}: the text is a function of the
   * cluster's names alone, so the digest is computed once per cluster (a few MiB of SHA-256 per
   * reconcile round at 1,000 clusters otherwise) and remembered for the most recent clusters.
   */
  public static String digest(ClusterNames names) {
    String key = names.namespace() + "/" + names.cluster();
    String digest;
    synchronized (DIGESTS) {
      digest = DIGESTS.get(key);
    }
    if (digest == null) {
      digest = InformerCaches.digest(dashboard(names));
      synchronized (DIGESTS) {
        DIGESTS.put(key, digest);
      }
    }
    return digest;
  }

  private static final int MAX_DIGESTS = 4096;

  /** Digests by namespace/name, least recently used first; bounded so deleted clusters age out. */
  private static final Map<String, String> DIGESTS = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_DIGESTS;
    }
  };

  /** Grafana uids are at most 40 characters; a hash of namespace/name is stable and short. */
  static String uid(ClusterNames names) {
    return "tradingdb-" + Digests.sha256Hex(names.namespace() + "/" + names.cluster()).substring(0, 24);
  }
}
