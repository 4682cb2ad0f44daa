package io.tradingdb.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** /metrics (Prometheus text), /healthz (liveness) and /readyz (informers synced and healthy). */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  public HealthServer(String bind, int port, Operator operator, PrometheusMeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        ex -> {
          var info = operator.getRuntimeInfo();
          boolean ready = info.isStarted() && info.allEventSourcesAreHealthy();
          send(ex, ready ? 200 : 503, "text/plain", ready ? "ok\n" : "informers not ready\n");
        });
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
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
