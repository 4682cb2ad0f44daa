package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;
import java.util.Map;

/**
 * prometheus-community pgbouncer_exporter next to pgBouncer: reads SHOW POOLS/STATS on the admin
 * console as the stats-only pooler login, for the "clients waiting" alert and the dashboard.
 */
public final class PoolerExporterSidecar {

  public static final String IMAGE = "quay.io/prometheuscommunity/pgbouncer-exporter:v0.10.2";
  public static final String PASSWORD_VOLUME = "exporter-password";
  static final String PASSWORD_DIR = "/etc/tradingdb/pooler-auth";
  /** The entrypoint of the prometheus-community image, which the login supervisor replaces. */
  static final String BINARY = "/bin/pgbouncer_exporter";
  /** Environment variables lib/pq reads, to the keys of the pooler's lookup-login Secret. */
  static final Map<String, String> LOGIN_FILES = orderedLogin();

  private PoolerExporterSidecar() {}

  /** The login's Secret keys to mount, for {@link RotatedPassword#volume}. */
  public static String[] loginKeys() {
    return LOGIN_FILES.values().toArray(String[]::new);
  }

  private static Map<String, String> orderedLogin() {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    files.put("PGUSER", LoginSecrets.USERNAME_KEY);
    files.put("PGPASSWORD", LoginSecrets.PASSWORD_KEY);
    return java.util.Collections.unmodifiableMap(files);
  }

  public static Container container(ClusterModel model) {
    // With TLS on, pgBouncer refuses plain TCP from every client, loopback included.
    String sslMode = model.tlsEnabled() ? "require" : "disable";
    // No login in the URL: lib/pq reads PGUSER and PGPASSWORD, which the supervisor sets from the
    // mounted Secret (its lookup login changes with a password rotation).
    String dsn = "postgres://127.0.0.1:" + ClusterNames.POOLER_PORT + "/pgbouncer?sslmode=" + sslMode;
    return new ContainerBuilder()
        .withName("metrics-exporter")
        .withImage(IMAGE)
        .withImagePullPolicy(model.imagePullPolicy())
        .withCommand(RotatedPassword.command(PASSWORD_DIR, LOGIN_FILES, List.of(
            BINARY,
            "--pgBouncer.connectionString=" + dsn,
            "--web.listen-address=:" + ClusterNames.POOLER_EXPORTER_PORT)))
        .addNewPort()
        .withName(MetricsPort.NAME)
        .withContainerPort(ClusterNames.POOLER_EXPORTER_PORT)
        .withProtocol("TCP")
        .endPort()
        .withResources(model.monitoring().exporterResources())
        .withSecurityContext(ContainerSecurity.restricted())
        .addToVolumeMounts(RotatedPassword.mount(PASSWORD_VOLUME, PASSWORD_DIR))
        .build();
  }
}
