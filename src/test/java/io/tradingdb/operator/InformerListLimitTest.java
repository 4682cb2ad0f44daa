package io.tradingdb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.testsupport.Crds;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every informer the operator starts lists its kind in pages. An unpaged initial list of 4,000
 * Secrets at 1,000 TradingDatabases was parsed whole and ran a restarting operator out of heap
 * (issue 18); with a limit the transient is one page.
 */
@EnableKubernetesMockClient(crud = true)
class InformerListLimitTest {

  /** A collection path: /api/v1/secrets, /apis/g/v/namespaces/ns/plural, without an object name. */
  private static final Pattern COLLECTION =
      Pattern.compile("^/(api/v1|apis/[^/]+/[^/]+)(/namespaces/[^/]+)?/[a-z]+$");

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void everyInformerListsInPagesOfTheLimit() throws Exception {
    Crds.install(client);
    drain();
    OperatorSettings settings = new OperatorSettings(Set.of(), "tradingdb-system", false, "127.0.0.1", 0, false);
    Operator operator = Operators.create(client, settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        Clock.systemUTC(), new PostgresConnections(), o -> o.withCloseClientOnStop(false));
    operator.start();
    try {
      List<String> lists = new ArrayList<>();
      for (RecordedRequest request : drain()) {
        String path = request.getPath();
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if ("GET".equals(request.getMethod()) && COLLECTION.matcher(bare).matches() && !path.contains("watch=true")) {
          lists.add(path);
        }
      }
      // Secrets, Services, StatefulSets, pods, claims, TradingDatabases, BackupSchedules, DbUsers, CronJobs...
      assertThat(lists).hasSizeGreaterThanOrEqualTo(15);
      // kube-apiserver 1.34 ignores the limit of a list at resourceVersion=0 (served whole from its
      // watch cache: 620 of 620 ConfigMaps for limit=500), so a paged list must not carry it.
      assertThat(lists).allSatisfy(path -> assertThat(path)
          .contains("limit=" + InformerCaches.LIST_LIMIT)
          .doesNotContain("resourceVersion=0"));
    } finally {
      operator.stop();
    }
  }

  private List<RecordedRequest> drain() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    for (RecordedRequest r; (r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null; ) {
      requests.add(r);
    }
    return requests;
  }
}
