package io.tradingdb.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.testsupport.Crds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * /readyz says "started" and stays 200 when an informer loses its watch later; the lost watches
 * are named in its body and counted by a gauge. Before, any unhealthy informer turned /readyz into
 * 503, which flapped the operator pod's readiness (issue 14).
 */
@EnableKubernetesMockClient(crud = true)
class HealthServerTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void anInformerThatLosesItsWatchIsReportedWithoutMakingTheOperatorUnready() throws Exception {
    Crds.install(client);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Operator operator = Operators.create(client, new OperatorSettings(Set.of("trading"), "tradingdb-system", false,
        "127.0.0.1", 0, false), registry, Clock.systemUTC(), new PostgresConnections(), o -> o.withCloseClientOnStop(false));
    HttpClient http = HttpClient.newHttpClient();
    try (HealthServer health = new HealthServer("127.0.0.1", 0, operator, registry)) {
      URI readyz = URI.create("http://127.0.0.1:" + health.port() + "/readyz");
      assertThat(http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .as("not started yet").isEqualTo(503);
      operator.start();
      HttpResponse<String> started = http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).isEqualTo(200);
      assertThat(started.body()).isEqualTo("ok\n");
      assertThat(registry.scrape()).contains("tradingdb_operator_unhealthy_informers 0.0");

      server.shutdown(); // every watch breaks, and re-listing is refused
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(registry.scrape()).doesNotContain("tradingdb_operator_unhealthy_informers 0.0"));
      HttpResponse<String> lost = http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(lost.statusCode()).isEqualTo(200);
      assertThat(lost.body()).startsWith("ok\n")
          .containsPattern("unhealthy informer: [a-z-]+/[A-Za-z0-9#.-]+ in trading: (not watching|stopped|not synced)")
          .contains("backupschedule/backup-jobs in trading")
          .doesNotContain("InformerEventSource@");
    } finally {
      operator.stop();
    }
  }
}
