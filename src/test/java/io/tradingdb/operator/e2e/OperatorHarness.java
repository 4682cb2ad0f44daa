package io.tradingdb.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.OperatorSettings;
import io.tradingdb.operator.Operators;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.testsupport.InTestJvm;
import io.tradingdb.operator.testsupport.TestExternalTargets;
import java.time.Clock;
import java.util.Set;

/** Runs the operator in the test JVM with its production configuration (server-side apply on). */
final class OperatorHarness implements AutoCloseable {

  private final Operator operator;

  OperatorHarness(KubernetesClient client, String... namespaces) {
    this(client, new SimpleMeterRegistry(), TestExternalTargets.policy(), namespaces);
  }

  OperatorHarness(KubernetesClient client, ExternalTargetPolicy externalTargets, String... namespaces) {
    this(client, new SimpleMeterRegistry(), externalTargets, namespaces);
  }

  /** With the registry the operator's /metrics would serve (a PrometheusMeterRegistry for scraping). */
  OperatorHarness(KubernetesClient client, MeterRegistry registry, String... namespaces) {
    this(client, registry, TestExternalTargets.policy(), namespaces);
  }

  OperatorHarness(KubernetesClient client, MeterRegistry registry, ExternalTargetPolicy externalTargets,
      String... namespaces) {
    OperatorSettings config = new OperatorSettings(
        Set.of(namespaces), "tradingdb-system", false, "127.0.0.1", 0, false, externalTargets);
    operator = Operators.create(client, config, registry, Clock.systemUTC(), new io.tradingdb.operator.postgres.PostgresConnections(), InTestJvm::configure);
    operator.start();
  }

  Operator operator() {
    return operator;
  }

  @Override
  public void close() {
    InTestJvm.stop(operator);
  }
}
