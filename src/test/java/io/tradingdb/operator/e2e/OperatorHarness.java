package io.tradingdb.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.OperatorConfig;
import io.tradingdb.operator.Operators;
import java.time.Clock;
import java.util.Set;

/** Runs the operator in the test JVM with its production configuration (server-side apply on). */
final class OperatorHarness implements AutoCloseable {

  private final Operator operator;

  OperatorHarness(KubernetesClient client, String... namespaces) {
    this(client, new SimpleMeterRegistry(), namespaces);
  }

  /** With the registry the operator's /metrics would serve (a PrometheusMeterRegistry for scraping). */
  OperatorHarness(KubernetesClient client, MeterRegistry registry, String... namespaces) {
    OperatorConfig config =
        new OperatorConfig(Set.of(namespaces), "tradingdb-system", false, "127.0.0.1", 0, false, false);
    operator = Operators.create(client, config, registry, Clock.systemUTC(), new io.tradingdb.operator.postgres.PostgresConnections(), o -> {});
    operator.start();
  }

  Operator operator() {
    return operator;
  }

  @Override
  public void close() {
    operator.stop();
  }
}
