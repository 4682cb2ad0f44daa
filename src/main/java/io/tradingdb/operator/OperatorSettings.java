package io.tradingdb.operator;

import io.tradingdb.operator.kube.ExternalTargetPolicy;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Start-up settings, read once from the environment (the Helm chart sets them).
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param operatorNamespace namespace of the operator's own pod (holds the leader election Lease)
 * @param leaderElection whether to elect a leader among replicas
 * @param httpBind address of the /metrics, /healthz and /readyz server
 * @param httpPort port of that server
 * @param databaseChecks whether the operator connects to the PostgreSQL it runs (pooler and
 *     monitoring logins, health queries); off only where pods run no PostgreSQL (simulated nodes)
 * @param externalTargets the hosts DbUsers and BackupSchedules may name in target.external
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    String operatorNamespace,
    boolean leaderElection,
    String httpBind,
    int httpPort,
    boolean databaseChecks,
    ExternalTargetPolicy externalTargets) {

  public static final String LEASE_NAME = "tradingdb-operator";

  /** The chart's default external-target policy. */
  public OperatorSettings(Set<String> watchNamespaces, String operatorNamespace, boolean leaderElection, String httpBind,
      int httpPort, boolean databaseChecks) {
    this(watchNamespaces, operatorNamespace, leaderElection, httpBind, httpPort, databaseChecks,
        ExternalTargetPolicy.defaults());
  }

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    Set<String> namespaces =
        Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new OperatorSettings(
        namespaces,
        env.getOrDefault("OPERATOR_NAMESPACE", "tradingdb-system"),
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION", "false")),
        env.getOrDefault("HTTP_BIND", "0.0.0.0"),
        Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080")),
        Boolean.parseBoolean(env.getOrDefault("DATABASE_CHECKS", "true")),
        ExternalTargetPolicy.parse(
            env.getOrDefault("EXTERNAL_TARGETS_ALLOWED", ExternalTargetPolicy.DEFAULT_ALLOWED),
            env.getOrDefault("EXTERNAL_TARGETS_DENIED", ExternalTargetPolicy.DEFAULT_DENIED)));
  }
}
