package io.tradingdb.operator.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.tradingdatabase.pooler.LocalProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Debian's Prometheus, Alertmanager and postgres_exporter as processes on 127.0.0.1 ephemeral
 * ports, each with its own folder; the test writes their configuration.
 */
final class PrometheusStack implements AutoCloseable {

  static final String PROMETHEUS = "/usr/bin/prometheus";
  static final String ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
  static final String EXPORTER = "/usr/bin/prometheus-postgres-exporter";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private Process exporter;
  int prometheusPort;
  int alertmanagerPort;

  PrometheusStack() throws IOException {
    LocalProcesses.requireBinary(PROMETHEUS, "prometheus");
    LocalProcesses.requireBinary(ALERTMANAGER, "prometheus-alertmanager");
    LocalProcesses.requireBinary(EXPORTER, "prometheus-postgres-exporter");
    dir = Files.createTempDirectory("tradingdb-alerts");
  }

  Path dir() {
    return dir;
  }

  /**
   * postgres_exporter with the given arguments (listen address added) and environment; returns
   * its port. The first one started is {@link #exporter()}.
   */
  int startExporter(List<String> args, Map<String, String> env) throws IOException {
    int port = LocalProcesses.freePort();
    List<String> command = new ArrayList<>(List.of(EXPORTER));
    command.addAll(args);
    command.add("--web.listen-address=127.0.0.1:" + port);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("exporter-" + port + ".log").toFile());
    builder.environment().putAll(env);
    Process started = builder.start();
    processes.add(started);
    if (exporter == null) {
      exporter = started;
    }
    awaitHttp("postgres_exporter", "http://127.0.0.1:" + port + "/metrics");
    return port;
  }

  void startAlertmanager(Map<String, Object> config) throws IOException {
    alertmanagerPort = LocalProcesses.freePort();
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(file, Serialization.asYaml(config));
    Files.createDirectories(dir.resolve("alertmanager-data"));
    start("alertmanager", List.of(ALERTMANAGER, "--config.file=" + file,
        "--storage.path=" + dir.resolve("alertmanager-data"),
        "--web.listen-address=127.0.0.1:" + alertmanagerPort,
        // An empty address turns off gossip, which would listen on a fixed port (9094) on every interface.
        "--cluster.listen-address="));
    awaitHttp("alertmanager", "http://127.0.0.1:" + alertmanagerPort + "/-/ready");
  }

  /**
   * Prometheus scraping {@code scrapeConfigs} every second, evaluating {@code ruleGroups} every
   * second and sending to the Alertmanager started before.
   */
  void startPrometheus(List<Map<String, Object>> scrapeConfigs, List<Map<String, Object>> ruleGroups)
      throws IOException {
    prometheusPort = LocalProcesses.freePort();
    Path rules = dir.resolve("rules.yml");
    Files.writeString(rules, Serialization.asYaml(Map.of("groups", ruleGroups)));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("global", Map.of("scrape_interval", "1s", "scrape_timeout", "1s", "evaluation_interval", "1s"));
    config.put("rule_files", List.of(rules.toString()));
    config.put("alerting", Map.of("alertmanagers", List.of(Map.of(
        "static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + alertmanagerPort)))))));
    config.put("scrape_configs", scrapeConfigs);
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, Serialization.asYaml(config));
    start("prometheus", List.of(PROMETHEUS, "--config.file=" + file,
        "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
        "--web.listen-address=127.0.0.1:" + prometheusPort));
    awaitHttp("prometheus", "http://127.0.0.1:" + prometheusPort + "/-/ready");
  }

  /** Stops the exporter; the test uses it to check nothing else keeps a series alive. */
  Process exporter() {
    return exporter;
  }

  JsonNode prometheus(String path, Map<String, String> params) throws Exception {
    StringBuilder query = new StringBuilder();
    params.forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&")
        .append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + prometheusPort + path + query)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(response.body());
    if (!"success".equals(json.path("status").asText())) {
      throw new IllegalStateException(path + query + ": " + response.body());
    }
    return json.path("data");
  }

  /** Series matching {@code selector}, each as its label set. */
  List<Map<String, String>> series(String selector) throws Exception {
    List<Map<String, String>> result = new ArrayList<>();
    for (JsonNode s : prometheus("/api/v1/series", Map.of("match[]", selector))) {
      Map<String, String> labels = new LinkedHashMap<>();
      s.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      result.add(labels);
    }
    return result;
  }

  /** The alert's state in Prometheus ("firing", "pending") or null when inactive. */
  String alertState(String alertname) throws Exception {
    for (JsonNode alert : prometheus("/api/v1/alerts", Map.of()).path("alerts")) {
      if (alertname.equals(alert.path("labels").path("alertname").asText())) {
        return alert.path("state").asText();
      }
    }
    return null;
  }

  String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void start(String name, List<String> command) throws IOException {
    processes.add(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start());
  }

  private void awaitHttp(String what, String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
    await(what + " answers on " + url).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LocalProcesses.deleteTree(dir);
  }
}
