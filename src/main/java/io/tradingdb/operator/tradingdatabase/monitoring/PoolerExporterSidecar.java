package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

/**
 * prometheus-community pgbouncer_exporter next to pgBouncer: reads SHOW POOLS/STATS on the admin
 * console as the stats-only pooler login, for the "clients waiting" alert and the dashboard.
 */
public final class PoolerExporterSidecar {

  public static final String IMAGE = "quay.io/prometheuscommunity/pgbouncer-exporter:v0.10.2";
  public static final String PASSWORD_VOLUME = "exporter-password";
  static final String PASSWORD_DIR = "/etc/tradingdb/pooler-auth";

  private PoolerExporterSidecar() {}

  public static Container container(ClusterModel model) {
    // With TLS on, pgBouncer refuses plain TCP from every client, loopback included.
    String sslMode = model.tlsEnabled() ? "require" : "disable";
    String dsn = "postgres://" + PoolerAuthSetup.ROLE + ":$(POOLER_PASSWORD)@127.0.0.1:"
        + ClusterNames.POOLER_PORT + "/pgbouncer?sslmode=" + sslMode;
    return new ContainerBuilder()
        .withName("metrics-exporter")
        .withImage(IMAGE)
        .withImagePullPolicy(model.imagePullPolicy())
        .addNewEnv()
        .withName("POOLER_PASSWORD")
        .withNewValueFrom()
        .withNewSecretKeyRef(LoginSecrets.PASSWORD_KEY, model.names().poolerAuthSecret(), false)
        .endValueFrom()
        .endEnv()
        .withArgs(
            "--pgBouncer.connectionString=" + dsn,
            "--web.listen-address=:" + ClusterNames.POOLER_EXPORTER_PORT)
        .addNewPort()
        .withName(MetricsPort.NAME)
        .withContainerPort(ClusterNames.POOLER_EXPORTER_PORT)
        .withProtocol("TCP")
        .endPort()
        .withResources(model.monitoring().exporterResources())
        .withSecurityContext(ContainerSecurity.restricted())
        .withLivenessProbe(RotatedPassword.liveness(PASSWORD_DIR, "POOLER_PASSWORD"))
        .addToVolumeMounts(RotatedPassword.mount(PASSWORD_VOLUME, PASSWORD_DIR))
        .build();
  }
}
