package io.tradingdb.operator.testsupport;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Supplier;

/**
 * JOSDK's reconcile counters as the operator's /metrics serves them (Prometheus text). A negative
 * check ("this writes nothing") first waits here for the reconcile it is about.
 */
public final class OperatorMetrics {

  private final Supplier<String> scrape;

  private OperatorMetrics(Supplier<String> scrape) {
    this.scrape = scrape;
  }

  /** The /metrics endpoint of a running {@code HealthServer} on loopback. */
  public static OperatorMetrics http(int port) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
    return new OperatorMetrics(() -> {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }

  /** The text the same registry would serve on /metrics. */
  public static OperatorMetrics of(PrometheusMeterRegistry registry) {
    return new OperatorMetrics(registry::scrape);
  }

  /** Reconciles of resources of {@code kind} (for example TradingDatabase) that returned normally. */
  public long succeeded(String kind) {
    return count("operator_sdk_reconciliations_success_total", kind);
  }

  /**
   * Reconciles of resources of {@code kind} that threw (each one schedules a retry). JOSDK creates the
   * counter at the first failure, so 0 means something only once {@link #succeeded} has counted.
   */
  public long failed(String kind) {
    return count("operator_sdk_reconciliations_failed_total", kind);
  }

  /** JOSDK tags its counters with the resource's group, version and kind (no controller name). */
  private long count(String metric, String kind) {
    List<String> samples = scrape.get().lines()
        .filter(l -> l.startsWith(metric + "{") && l.contains("=\"" + kind + "\""))
        .toList();
    return samples.stream().mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
