package io.tradingdb.operator.tradingdatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  /** The kubelet refreshes its numbers every minute by default: one request per node per this period serves every cluster there. */
  static final Duration REUSE = Duration.ofSeconds(10);

  private record Summary(long readAtNanos, String body) {}

  private final KubernetesClient client;
  private final Map<String, Summary> summaries = new ConcurrentHashMap<>();

  public KubeletVolumeStats(KubernetesClient client) {
    this.client = client;
  }

  /** The claims of {@code namespace} on {@code node}, by claim name; empty when the node's kubelet does not answer. */
  public Map<String, VolumeAutoGrow.Stats> read(String node, String namespace) {
    Summary summary = summaries.get(node);
    if (summary == null || System.nanoTime() - summary.readAtNanos() > REUSE.toNanos()) {
      String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/nodes/" + node + "/proxy/stats/summary";
      try {
        summary = new Summary(System.nanoTime(), client.raw(url));
      } catch (KubernetesClientException e) {
        // Simulated nodes have no kubelet behind the proxy; a real one may be restarting.
        summary = new Summary(System.nanoTime(), null);
      }
      summaries.put(node, summary);
    }
    try {
      return summary.body() == null ? Map.of() : parse(summary.body(), namespace);
    } catch (IOException e) {
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
