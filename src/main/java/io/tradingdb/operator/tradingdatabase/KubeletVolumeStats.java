package io.tradingdb.operator.tradingdatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The usage of the claims' filesystems, as the kubelet measures it (statfs of the volume in the
 * pod), read from its summary API through the API server's node proxy:
 * {@code GET /api/v1/nodes/<node>/proxy/stats/summary}. One request per node covers every pod
 * there, it needs nothing inside the database container, and it still answers when PostgreSQL
 * has stopped because a volume is full. The kubelet refreshes these numbers on its own period
 * (volumeStatsAggPeriod, 1 minute by default).
 */
public final class KubeletVolumeStats {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;

  public KubeletVolumeStats(KubernetesClient client) {
    this.client = client;
  }

  /** The claims of {@code namespace} on {@code node}, by claim name; empty when the node's kubelet does not answer. */
  public Map<String, VolumeAutoGrow.Stats> read(String node, String namespace) {
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/nodes/" + node + "/proxy/stats/summary";
    try {
      String body = client.raw(url);
      return body == null ? Map.of() : parse(body, namespace);
    } catch (KubernetesClientException | IOException e) {
      // Simulated nodes have no kubelet behind the proxy; a real one may be restarting.
      return Map.of();
    }
  }

  /** The summary's volumes with a claim of {@code namespace}. */
  static Map<String, VolumeAutoGrow.Stats> parse(String summary, String namespace) throws IOException {
    Map<String, VolumeAutoGrow.Stats> out = new HashMap<>();
    for (JsonNode pod : JSON.readTree(summary).path("pods")) {
      for (JsonNode volume : pod.path("volume")) {
        JsonNode ref = volume.path("pvcRef");
        if (!namespace.equals(ref.path("namespace").asText()) || !volume.has("capacityBytes") || !volume.has("usedBytes")) {
          continue;
        }
        out.put(ref.path("name").asText(),
            new VolumeAutoGrow.Stats(volume.path("capacityBytes").asLong(), volume.path("usedBytes").asLong()));
      }
    }
    return out;
  }
}
