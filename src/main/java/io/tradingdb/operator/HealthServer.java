package io.tradingdb.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /metrics (Prometheus text), /healthz (liveness) and /readyz (started: every informer synced once).
 *
 * <p>An informer that loses its watch later, for example when a watched namespace's Role is
 * removed, does not make the operator unready: the other namespaces and kinds are still served,
 * and an unready operator pod only flaps Helm's {@code --wait}, Argo CD's health and the metrics
 * Service's endpoints. It is reported instead: named in the /readyz body, counted by the gauge
 * {@code tradingdb_operator_unhealthy_informers}, and logged once per change.
 */
public final class HealthServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);

  private final HttpServer server;
  private final Operator operator;
  private List<String> lastUnhealthy = List.of();

  public HealthServer(String bind, int port, Operator operator, PrometheusMeterRegistry registry)
      throws IOException {
    this.operator = operator;
    Gauge.builder("tradingdb_operator_unhealthy_informers", this, h -> h.unhealthyInformers().size())
        .description("Informers (per kind and namespace) that are not watching or not synced").register(registry);
    server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        ex -> {
          if (!operator.getRuntimeInfo().isStarted()) {
            send(ex, 503, "text/plain", "starting: informers not synced yet\n");
            return;
          }
          StringBuilder body = new StringBuilder("ok\n");
          unhealthyInformers().forEach(i -> body.append("unhealthy informer: ").append(i).append('\n'));
          send(ex, 200, "text/plain", body.toString());
        });
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** "controller/event source in namespace: what is wrong", one per unhealthy informer; logs a change. */
  synchronized List<String> unhealthyInformers() {
    var info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return List.of();
    }
    List<String> unhealthy = new ArrayList<>();
    for (var controller : info.unhealthyInformerWrappingEventSourceHealthIndicator().entrySet()) {
      for (var source : controller.getValue().entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, InformerHealthIndicator> informers = source.getValue().informerHealthIndicators();
        informers.forEach((namespace, informer) -> {
          if (informer.getStatus() != Status.HEALTHY) {
            String where = namespace == null || namespace.isEmpty() || Constants.WATCH_ALL_NAMESPACES.equals(namespace)
                ? "all namespaces" : namespace;
            String what = !informer.isRunning() ? "stopped" : !informer.hasSynced() ? "not synced" : "not watching";
            unhealthy.add(controller.getKey() + "/" + source.getKey() + " in " + where + ": " + what);
          }
        });
      }
    }
    Collections.sort(unhealthy);
    if (!unhealthy.equals(lastUnhealthy)) {
      if (unhealthy.isEmpty()) {
        LOG.info("every informer is healthy again");
      } else {
        LOG.warn("unhealthy informers: {}", unhealthy);
      }
      lastUnhealthy = List.copyOf(unhealthy);
    }
    return unhealthy;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
