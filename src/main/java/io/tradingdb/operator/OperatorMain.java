package io.tradingdb.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.kube.ClientConfig;
import io.tradingdb.operator.kube.TypedWatchEvents;
import io.tradingdb.operator.postgres.PostgresConnections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the operator process. */
public final class OperatorMain {

  static {
    // Must run before the first logger is created.
    if ("json".equalsIgnoreCase(System.getenv("LOG_FORMAT"))) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    Instant started = Instant.now();
    OperatorSettings config = OperatorSettings.fromEnvironment(System.getenv());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);

    KubernetesClient client = TypedWatchEvents.clientBuilder(ClientConfig.load()).build();
    PostgresConnections connections = new PostgresConnections();
    Operator operator =
        Operators.create(client, config, registry, Clock.systemUTC(), connections, o -> {});
    HealthServer health = new HealthServer(config.httpBind(), config.httpPort(), operator, registry);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutting down");
                  operator.stop();
                  connections.close();
                  health.close();
                  client.close();
                },
                "shutdown"));
    operator.start();
    LOG.info(
        "tradingdb-operator started in {} ms; namespaces={} leaderElection={} http={}:{} externalTargets allowed={} denied={}",
        Duration.between(started, Instant.now()).toMillis(),
        config.watchNamespaces().isEmpty() ? "all" : config.watchNamespaces(),
        config.leaderElection(),
        config.httpBind(),
        health.port(),
        config.externalTargets().allowedEntries(),
        config.externalTargets().deniedEntries());
  }
}
