package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;
import java.util.Map;

/**
 * The prometheus-community postgres_exporter container for each PostgreSQL pod, with the custom
 * queries from {@link MonitoringConfigMap}. Add {@link #container} and {@link #volume} to the
 * StatefulSet's pod when {@code model.monitoring().enabled()}.
 */
public final class ExporterSidecar {

  public static final String CONTAINER = "metrics-exporter";
  public static final String VOLUME = "exporter-queries";
  public static final String QUERIES_DIR = "/etc/postgres_exporter";
  public static final String PASSWORD_VOLUME = "exporter-password";
  static final String PASSWORD_DIR = "/etc/tradingdb/monitoring-auth";
  /** The entrypoint of the prometheus-community image, which the password supervisor replaces. */
  static final String BINARY = "/bin/postgres_exporter";

  private ExporterSidecar() {}

  public static Container container(ClusterModel model) {
    // sslmode follows the cluster: with TLS on, the server may refuse plain TCP even on loopback.
    String sslMode = model.tlsEnabled() ? "require" : "disable";
    ResourceRequirements resources = model.monitoring().exporterResources();
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(model.monitoring().exporterImage())
        .withImagePullPolicy(model.imagePullPolicy())
        .withCommand(RotatedPassword.command(PASSWORD_DIR, Map.of("DATA_SOURCE_PASS", LoginSecrets.PASSWORD_KEY), List.of(
            BINARY,
            "--extend.query-path=" + QUERIES_DIR + "/" + MonitoringConfigMap.QUERIES_KEY,
            "--web.listen-address=:" + ClusterNames.EXPORTER_PORT,
            // The custom queries cover these; the built-in ones would double the series.
            "--no-collector.database",
            "--disable-settings-metrics")))
        .addNewEnv()
        .withName("DATA_SOURCE_URI")
        .withValue("127.0.0.1:" + ClusterNames.POSTGRES_PORT + "/" + model.databaseName() + "?sslmode=" + sslMode)
        .endEnv()
        .addNewEnv()
        .withName("DATA_SOURCE_USER")
        .withValue(MonitoringRoleSetup.ROLE)
        .endEnv()
        .addNewPort()
        .withName(MetricsPort.NAME)
        .withContainerPort(ClusterNames.EXPORTER_PORT)
        .withProtocol("TCP")
        .endPort()
        .withResources(resources)
        .withSecurityContext(ContainerSecurity.restricted())
        .addNewVolumeMount()
        .withName(VOLUME)
        .withMountPath(QUERIES_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addToVolumeMounts(RotatedPassword.mount(PASSWORD_VOLUME, PASSWORD_DIR))
        .build();
  }

  /** The monitoring Secret's password as a file, for {@link RotatedPassword}. */
  public static Volume passwordVolume(ClusterModel model) {
    return RotatedPassword.volume(PASSWORD_VOLUME, model.names().monitoringSecret(), LoginSecrets.PASSWORD_KEY);
  }

  public static Volume volume(ClusterModel model) {
    return new VolumeBuilder()
        .withName(VOLUME)
        .withNewConfigMap().withName(model.names().monitoringConfig()).withDefaultMode(0444).endConfigMap()
        .build();
  }
}
