package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.tradingdb.operator.tradingdatabase.PgBackRestSamples;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PoolerSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.testsupport.StandInImage;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.MonitoringConfigMap;
import io.tradingdb.operator.tradingdatabase.monitoring.PoolerExporterSidecar;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerConfigMap;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerDeployment;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The images testenv/images/build.sh makes for the real node provide what the operator's pod
 * specs use: each container's command found on the image's PATH and run as the pod's uid, the
 * generated Patroni, pgBouncer and exporter configurations accepted by the binaries in the images,
 * and TimescaleDB loaded through the preload list the cluster sets.
 */
class StandInImagesIT {

  private static StandInImage cluster;
  private static StandInImage pgbouncer;
  private static StandInImage postgresExporter;
  private static StandInImage pgbouncerExporter;

  @BeforeAll
  static void buildImages() {
    cluster = StandInImage.build("timescaledb-ha");
    pgbouncer = StandInImage.build("pgbouncer");
    postgresExporter = StandInImage.build("postgres-exporter");
    pgbouncerExporter = StandInImage.build("pgbouncer-exporter");
  }

  /** Every part of the cluster that has a container: pgBackRest, monitoring and the pooler on, TLS on. */
  private static ClusterModel model(boolean tls) {
    TradingDatabase db = Samples.tradingDatabase("trading", "market");
    db.getSpec().setProfile(Profile.PRODUCTION);
    db.getSpec().setImage(cluster.ref());
    db.getSpec().setPgBackRest(PgBackRestSamples.repository());
    MonitoringSpec monitoring = new MonitoringSpec();
    monitoring.setEnabled(true);
    monitoring.setExporterImage(postgresExporter.ref());
    db.getSpec().setMonitoring(monitoring);
    PoolerSpec pooler = new PoolerSpec();
    pooler.setEnabled(true);
    pooler.setImage(pgbouncer.ref());
    db.getSpec().setPooler(pooler);
    TlsSpec tlsSpec = new TlsSpec();
    tlsSpec.setEnabled(tls);
    db.getSpec().setTls(tlsSpec);
    return ClusterModel.from(db);
  }

  private static PodSpec clusterPod(ClusterModel model) {
    return ClusterStatefulSet.build(model, "x", Map.of()).getSpec().getTemplate().getSpec();
  }

  @Test
  void clusterImageHasTheRealImagesUserPathsAndPorts() {
    ClusterModel model = model(true);
    PodSpec pod = clusterPod(model);
    Container postgres = pod.getContainers().get(0);

    assertThat(cluster.uid()).isEqualTo(PodLayout.POSTGRES_UID).isEqualTo(pod.getSecurityContext().getRunAsUser());
    assertThat(cluster.passwdEntry("postgres")[5]).isEqualTo("/home/postgres");
    assertThat(cluster.env()).containsEntry("PGDATA", PodLayout.DATA_DIR)
        .containsEntry("PGROOT", "/home/postgres").containsEntry("PGSOCKET", PodLayout.DATA_MOUNT)
        .containsEntry("BACKUPROOT", PodLayout.DATA_MOUNT + "/backup")
        .containsEntry("PGBACKREST_CONFIG", PodLayout.DATA_MOUNT + "/backup/pgbackrest.conf");
    assertThat(cluster.env().get("PATH")).startsWith("/usr/lib/postgresql/17/bin:");
    assertThat(cluster.exposedPorts()).containsAll(postgres.getPorts().stream().map(ContainerPort::getContainerPort).toList());
    // The data volume's mount point and the socket folder, writable by the pod's uid.
    StandInImage.Result writable = cluster.exec(1000, 1000, "sh", "-c",
        "test -w " + PodLayout.DATA_DIR + " && test -w /var/run/postgresql && readlink /etc/pgbackrest.conf");
    assertThat(writable.output().strip()).isEqualTo(PodLayout.DATA_MOUNT + "/backup/pgbackrest.conf");
    assertThat(writable.exitCode()).isZero();
  }

  @Test
  void everyContainerCommandOfTheClusterPodRunsAsThePodsUser() {
    ClusterModel model = model(true);
    PodSpec pod = clusterPod(model);
    List<String> checked = new ArrayList<>();
    for (Container c : pod.getContainers()) {
      StandInImage image = imageOf(c);
      List<String> command = c.getCommand().isEmpty() ? image.entrypoint() : c.getCommand();
      assertVersionRuns(image, pod.getSecurityContext(), command.get(0));
      checked.add(c.getName() + ": " + command.get(0));
    }
    assertThat(checked).containsExactly("postgres: patroni", "metrics-exporter: /bin/postgres_exporter",
        "pgbackrest: pgbackrest");
  }

  @Test
  void patroniInTheImageAcceptsTheGeneratedConfiguration() {
    ClusterModel model = model(true);
    PodSpec pod = clusterPod(model);
    Container postgres = pod.getContainers().get(0);
    // The pod mounts its configuration volume over the folder, hiding what the image has there (Debian's
    // patroni package ships /etc/patroni/dcs.yml, a ZooKeeper default Patroni would merge into ours).
    try (var files = java.nio.file.Files.list(cluster.rootfs().resolve(PatroniConfigMap.MOUNT_PATH.substring(1)))) {
      for (java.nio.file.Path f : files.toList()) {
        java.nio.file.Files.delete(f);
      }
    } catch (java.nio.file.NoSuchFileException absent) {
      // nothing to hide
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    PatroniConfigMap.configMap(model).getData().forEach((file, text) -> cluster.write(PatroniConfigMap.MOUNT_PATH + "/" + file, text));
    // The logins file the pod's projected volume adds from the <name>-patroni-credentials Secret.
    cluster.write(PatroniConfigMap.MOUNT_PATH + "/" + PatroniCredentials.FILE,
        PatroniCredentials.file(new PatroniCredentials.Logins("postgres", "placeholder", "placeholder", "placeholder")));
    Map<String, String> env = new LinkedHashMap<>();
    postgres.getEnv().forEach(v -> env.put(v.getName(), v.getValue() != null ? v.getValue() : "placeholder"));
    // What the kubelet fills in from the pod: its name and an address from the node's pod range.
    env.put("PATRONI_NAME", "market-0");
    env.put("PATRONI_KUBERNETES_POD_IP", "198.18.0.7");
    env.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "198.18.0.7:5432");
    env.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "198.18.0.7:8008");

    StandInImage.Result version = cluster.exec(1000, 1000, "patroni", "--version");
    StandInImage.Result validation = cluster.exec(1000, 1000, env, StandInImage.emptyDirMounts(pod, postgres), StandInImage.readOnlyRoot(postgres), 60,
        List.of(postgres.getCommand().get(0), "--validate-config", postgres.getCommand().get(1)));

    assertThat(version.output()).startsWith("patroni 4.");
    assertThat(validation.output()).as("patroni --validate-config").isEmpty();
    assertThat(validation.exitCode()).isZero();
  }

  @Test
  void timescaleDbLoadsThroughTheClustersPreloadListAndMakesHypertables() {
    String preload = (String) PatroniConfigMap.postgresParameters(model(true)).get("shared_preload_libraries");
    String script = String.join("\n",
        "set -e",
        "initdb -D /tmp/data -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null",
        "pg_ctl -D /tmp/data -s -w -l /tmp/log -o \"-c listen_addresses='' -k /tmp"
            + " -c shared_preload_libraries='" + preload + "'\" start",
        "psql -h /tmp -U postgres -X -At -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION timescaledb'"
            + " -c \"SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'\""
            + " -c 'CREATE TABLE ticks (time timestamptz NOT NULL, price float8)'"
            + " -c \"SELECT created FROM create_hypertable('ticks', by_range('time'))\""
            + " -c 'SELECT hypertable_name FROM timescaledb_information.hypertables'"
            + " -c 'SHOW shared_preload_libraries' 2>&1 | grep -v '^WARNING\\|^HINT\\|^DETAIL'",
        "pg_ctl -D /tmp/data -s -m fast stop");

    StandInImage.Result run = cluster.exec(1000, 1000, Map.of(), List.of("/tmp"), false, 120, List.of("sh", "-c", script));

    assertThat(run.output().lines().toList()).as(run.output()).containsSubsequence("2.29.2", "t", "ticks", preload);
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void pgBouncerImageRunsTheGeneratedConfigurationAsThePoolersUser() {
    ClusterModel model = model(false);
    PodSpec pod = PoolerDeployment.build(model).getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    PoolerConfigMap.configMap(model).getData().forEach((file, text) -> pgbouncer.write(PoolerLayout.CONFIG_DIR + "/" + file, text));
    PoolerConfigMap.login(io.tradingdb.operator.postgres.PoolerAuthSetup.ROLE, "test-only").forEach((key, text) -> {
      if (key.equals(PoolerConfigMap.AUTH_FILE_KEY) || key.equals(PoolerConfigMap.AUTH_USER_KEY)) {
        pgbouncer.write(PoolerLayout.AUTH_DIR + "/" + key, text);
      }
    });

    StandInImage.Result run = pgbouncer.exec(pod.getSecurityContext().getRunAsUser(), pod.getSecurityContext().getRunAsGroup(),
        Map.of(), StandInImage.emptyDirMounts(pod, container), StandInImage.readOnlyRoot(container), 5, container.getCommand());

    assertThat(pgbouncer.uid()).isEqualTo(PoolerDeployment.POOLER_UID);
    assertThat(pgbouncer.exposedPorts()).containsExactly(container.getPorts().get(0).getContainerPort());
    assertThat(run.output()).as("pgBouncer's log").contains("process up: PgBouncer 1.24").contains("listening on 0.0.0.0:6432")
        .doesNotContain("ERROR").doesNotContain("FATAL");
    assertThat(run.exitCode()).as("still running when stopped after 5 s").isEqualTo(124);
  }

  @Test
  void postgresExporterImageServesMetricsWithTheSidecarsArguments() {
    ClusterModel model = model(true);
    PodSpec pod = clusterPod(model);
    Container exporter = pod.getContainers().stream()
        .filter(c -> c.getImage().equals(postgresExporter.ref())).findFirst().orElseThrow();
    MonitoringConfigMap.queriesConfigMap(model).getData()
        .forEach((file, text) -> postgresExporter.write(exporter.getVolumeMounts().get(0).getMountPath() + "/" + file, text));

    StandInImage.Result run = runFor(postgresExporter, pod, exporter, List.of());

    assertThat(run.output()).contains("Listening on").contains(":9187").doesNotContain("level=ERROR");
    assertThat(run.exitCode()).as("still running when stopped after 3 s").isEqualTo(124);
  }

  /**
   * pgbouncer_exporter 0.10.2 (upstream's image too) exits when pgBouncer does not answer at its
   * start, so alone it cannot be seen serving: it accepts the sidecar's arguments (an unknown flag
   * fails even with --version) and dials the address of the connection string they give.
   */
  @Test
  void pgBouncerExporterImageTakesTheSidecarsArguments() throws Exception {
    PodSpec pod = PoolerDeployment.build(model(true)).getSpec().getTemplate().getSpec();
    Container exporter = pod.getContainers().get(1);

    StandInImage.Result version = runFor(pgbouncerExporter, pod, exporter, List.of("--version"));
    StandInImage.Result run = runFor(pgbouncerExporter, pod, exporter, List.of());

    // The sidecar's image name is fixed in the operator; the stand-in is imported under it too.
    assertThat(exporter.getImage()).isEqualTo(PoolerExporterSidecar.IMAGE);
    assertThat(Files.readString(Path.of(System.getProperty("basedir", "."), "testenv/images/pgbouncer-exporter.sh")))
        .contains("IMAGE_ALIASES=(" + PoolerExporterSidecar.IMAGE + ")");
    assertThat(version.output()).startsWith("pgbouncer_exporter, version 0.10.2");
    assertThat(version.exitCode()).isZero();
    assertThat(run.output()).contains("error pinging pgbouncer: dial tcp 127.0.0.1:" + ClusterNames.POOLER_PORT)
        .doesNotContain("unknown long flag");
  }

  /** The image's entrypoint with the container's arguments (then {@code more}) and root filesystem setting, for 3 s. */
  private static StandInImage.Result runFor(StandInImage image, PodSpec pod, Container c, List<String> more) {
    Map<String, String> env = new LinkedHashMap<>();
    c.getEnv().forEach(v -> env.put(v.getName(), v.getValue() != null ? v.getValue() : "placeholder"));
    List<String> command = new ArrayList<>(image.entrypoint());
    command.addAll(c.getArgs());
    command.addAll(more);
    return image.exec(pod.getSecurityContext().getRunAsUser(), pod.getSecurityContext().getRunAsGroup(), env,
        StandInImage.emptyDirMounts(pod, c), StandInImage.readOnlyRoot(c), 3, command);
  }


  private static void assertVersionRuns(StandInImage image, PodSecurityContext pod, String binary) {
    StandInImage.Result found = image.exec(pod.getRunAsUser(), pod.getRunAsGroup(), "sh", "-c", "command -v \"$0\"", binary);
    assertThat(found.exitCode()).as("%s on the PATH of %s as uid %s", binary, image.ref(), pod.getRunAsUser()).isZero();
    String flag = binary.endsWith("pgbackrest") ? "version" : "--version";
    StandInImage.Result version = image.exec(pod.getRunAsUser(), pod.getRunAsGroup(), binary, flag);
    assertThat(version.exitCode()).as("%s %s as uid %s: %s", binary, flag, pod.getRunAsUser(), version.output()).isZero();
  }

  private static StandInImage imageOf(Container c) {
    for (StandInImage image : List.of(cluster, pgbouncer, postgresExporter, pgbouncerExporter)) {
      if (image.ref().equals(c.getImage())) {
        return image;
      }
    }
    throw new AssertionError("no stand-in for " + c.getName() + "'s image " + c.getImage());
  }
}
