package io.tradingdb.operator.tradingdatabase.model;

import java.util.List;

/** Every name the operator generates for one TradingDatabase; nothing else invents them. */
public record ClusterNames(String cluster, String namespace) {

  public static final int POSTGRES_PORT = 5432;
  public static final int PATRONI_PORT = 8008;
  public static final int POOLER_PORT = 6432;
  public static final int EXPORTER_PORT = 9187;
  public static final int POOLER_EXPORTER_PORT = 9127;
  /** Volume claim templates of the StatefulSet; each instance's claim is {@code <template>-<statefulSet>-<ordinal>}. */
  public static final String DATA_VOLUME = "pgdata";
  public static final String WAL_VOLUME = "pgwal";

  public String statefulSet() { return cluster; }
  public String headlessService() { return cluster + "-pods"; }
  public String readWriteService() { return cluster + "-rw"; }
  public String readOnlyService() { return cluster + "-ro"; }
  public String poolerService() { return cluster + "-pooler"; }
  public String poolerDeployment() { return cluster + "-pooler"; }
  public String poolerConfig() { return cluster + "-pooler"; }
  public String poolerAuthSecret() { return cluster + "-pooler-auth"; }
  public String poolerDisruptionBudget() { return cluster + "-pooler"; }
  public String superuserSecret() { return cluster + "-superuser"; }
  public String replicationSecret() { return cluster + "-replication"; }
  /** Patroni's logins as a configuration file, derived from the superuser and replication Secrets. */
  public String patroniCredentialsSecret() { return cluster + "-patroni-credentials"; }
  public String patroniConfig() { return cluster + "-patroni"; }
  public String serviceAccount() { return cluster + "-patroni"; }
  public String patroniRole() { return cluster + "-patroni"; }
  public String disruptionBudget() { return cluster; }
  public String networkPolicy() { return cluster; }
  public String poolerNetworkPolicy() { return cluster + "-pooler"; }
  public String monitoringConfig() { return cluster + "-monitoring"; }
  public String monitoringSecret() { return cluster + "-monitoring-auth"; }
  public String podMonitor() { return cluster; }
  public String prometheusRule() { return cluster; }
  public String alertmanagerConfig() { return cluster + "-alerts"; }
  public String dashboardConfig() { return cluster + "-dashboard"; }
  public String tlsSecret() { return cluster + "-tls"; }
  public String bootstrapRestoreJob() { return cluster + "-bootstrap-restore"; }
  public String caSecret() { return cluster + "-ca"; }
  /** pgBackRest's TLS: the instances' server certificate and the backup Jobs' client certificate. */
  public String pgBackRestTlsSecret() { return cluster + "-pgbackrest-tls"; }

  /** DNS name of instance {@code ordinal} through the headless Service. */
  public String podHost(int ordinal) { return statefulSet() + "-" + ordinal + "." + headlessService() + "." + namespace + ".svc"; }

  /** Patroni's Kubernetes DCS objects (ConfigMaps), named from its scope. */
  public String patroniLeaderConfigMap() { return cluster + "-leader"; }
  public String patroniDcsConfigMap() { return cluster + "-config"; }
  public String patroniFailoverConfigMap() { return cluster + "-failover"; }
  public String patroniSyncConfigMap() { return cluster + "-sync"; }

  /** In-cluster DNS name of a Service of this cluster. */
  public String serviceHost(String service) { return service + "." + namespace + ".svc"; }

  /**
   * The volume claim template a claim of this cluster's StatefulSet comes from ("pgdata-db-0" is
   * {@link #DATA_VOLUME}'s, for StatefulSet "db"), or null for another claim.
   */
  public String volumeTemplateOf(String claimName) {
    for (String template : List.of(DATA_VOLUME, WAL_VOLUME)) {
      String prefix = template + "-" + statefulSet() + "-";
      if (claimName.startsWith(prefix) && claimName.substring(prefix.length()).matches("[0-9]+")) {
        return template;
      }
    }
    return null;
  }
}
