package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which scheme the operator calls a primary with while pods of two templates coexist (a plain-HTTP Patroni stand-in). */
class RestApiBaseTest {

  static final ClusterModel HTTPS = model(null);
  static final ClusterModel HTTP = model(false);

  HttpServer server;
  final List<String> seen = new CopyOnWriteArrayList<>();
  final PatroniClient api = new PatroniClient();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI().getPath());
      byte[] bytes = "{\"role\":\"master\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Test
  void theSameSchemeInTemplateAndSpecIsUsedWithoutAsking() {
    assertThat(PatroniOperations.restApiBase(api, HTTPS, pod(HTTPS), "127.0.0.1", port()))
        .isEqualTo("https://127.0.0.1:" + port());
    assertThat(seen).isEmpty();
  }

  @Test
  void anOldTemplatesPodThatStillAnswersKeepsItsScheme() {
    assertThat(PatroniOperations.restApiBase(api, HTTPS, pod(HTTP), "127.0.0.1", port()))
        .as("HTTP until the pod is replaced").isEqualTo("http://127.0.0.1:" + port());
    assertThat(seen).containsExactly("/patroni");
  }

  @Test
  void anOldTemplatesPodThatAlreadyServesTheSpecsSchemeIsCalledWithIt() {
    // The pod's template says HTTPS, the spec switched the REST API to HTTP and the pod reloaded it.
    assertThat(PatroniOperations.restApiBase(api, HTTP, pod(HTTPS), "127.0.0.1", port()))
        .isEqualTo("http://127.0.0.1:" + port());
  }

  static ClusterModel model(Boolean restApiTls) {
    TradingDatabase db = Samples.tradingDatabase("trading", "db");
    TlsSpec tls = new TlsSpec();
    TlsSpec.PatroniRestApiTls api = new TlsSpec.PatroniRestApiTls();
    api.setEnabled(restApiTls);
    tls.setPatroniRestApi(api);
    db.getSpec().setTls(tls);
    return ClusterModel.from(db);
  }

  static Pod pod(ClusterModel model) {
    return new PodBuilder().withSpec(ClusterStatefulSet.build(model, "test", Map.of()).getSpec().getTemplate().getSpec())
        .build();
  }
}
