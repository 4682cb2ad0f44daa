package io.tradingdb.operator;

import io.tradingdb.operator.kube.MemoryPressure;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.tradingdb.operator.backup.BackupMetrics;
import io.tradingdb.operator.backup.BackupScheduleReconciler;
import io.tradingdb.operator.dbuser.DbUserReconciler;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.tradingdatabase.DatabaseChecks;
import io.tradingdb.operator.tradingdatabase.PatroniOperations;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import io.tradingdb.operator.tradingdatabase.TradingDatabaseReconciler;
import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Builds the operator with every controller registered, the same way in production and in tests;
 * tests pass {@code extra} only for what their API server cannot do (the mock has no SSA).
 */
public final class Operators {

  /**
   * Reconciles wait on the API server and PostgreSQL, not the CPU; ten at a time keep 100
   * clusters moving while the SDK's default of 50 reconcile threads mostly adds resident memory.
   */
  static final int RECONCILE_THREADS = 10;

  /**
   * The workflow pool applies every reconcile's dependents, about 16 API calls for a new cluster,
   * most of them independent. With ten threads for ten reconciles the calls queued behind each
   * other (2.5 s per new cluster with 100 created at once, API calls of 50-330 ms each); the SDK's
   * default of 50 lets them run side by side for a few MiB of thread stacks.
   */
  static final int WORKFLOW_THREADS = 50;

  private Operators() {}

  public static Operator create(
      KubernetesClient client,
      OperatorSettings config,
      MeterRegistry registry,
      Clock clock,
      PostgresConnections connections,
      Consumer<ConfigurationServiceOverrider> extra) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                  .withConcurrentWorkflowExecutorThreads(WORKFLOW_THREADS)
                  // Per-controller metrics only: per-resource ones were a timer histogram per cluster.
                  .withMetrics(MicrometerMetrics.newMicrometerMetricsBuilder(registry)
                      .notCollectingMetricsPerResource().build())
                  .withCloseClientOnStop(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME, config.operatorNamespace()));
              }
              extra.accept(o);
            });
    Consumer<ControllerConfigurationOverrider<?>> namespaces =
        c -> {
          if (!config.watchNamespaces().isEmpty()) {
            c.settingNamespaces(config.watchNamespaces());
          }
        };
    MemoryPressure.process().bindTo(registry);
    DatabaseMetrics databaseMetrics = new DatabaseMetrics(registry);
    TradingDatabaseReconciler clusters = new TradingDatabaseReconciler(
        client, clock, config.databaseChecks() ? new DatabaseChecks(client, connections, clock, databaseMetrics) : null,
        config.databaseChecks() ? new PatroniOperations(client, new PatroniClient(), clock) : null,
        config.operatorNamespace(), databaseMetrics);
    operator.register(clusters, namespaces::accept);
    operator.register(
        new DbUserReconciler(client, connections, clock,
            DbUserReconciler.Settings.defaults().withConnectToTradingDatabases(config.databaseChecks())
                .withExternalTargets(config.externalTargets())),
        namespaces::accept);
    operator.register(
        new BackupScheduleReconciler(client, new BackupMetrics(registry), clock, config.externalTargets(), clusters::cached),
        namespaces::accept);
    return operator;
  }
}
