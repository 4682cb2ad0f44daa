package io.tradingdb.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.OperatorConfig;
import io.tradingdb.operator.Operators;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.testsupport.TestExternalTargets;
import java.time.Clock;
import java.util.Set;

/** Runs the operator in the test JVM with its production configuration (server-side apply on). */
final class OperatorHarness implements AutoCloseable {

  private final Operator operator;

  OperatorHarness(KubernetesClient client, String... namespaces) {
    this(client, TestExternalTargets.policy(), namespaces);
  }

  OperatorHarness(KubernetesClient client, ExternalTargetPolicy externalTargets, String... namespaces) {
    OperatorConfig config = new OperatorConfig(
        Set.of(namespaces), "tradingdb-system", false, "127.0.0.1", 0, false, false, externalTargets);
    operator = Operators.create(client, config, new SimpleMeterRegistry(), Clock.systemUTC(), new io.tradingdb.operator.postgres.PostgresConnections(), o -> {});
    operator.start();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
