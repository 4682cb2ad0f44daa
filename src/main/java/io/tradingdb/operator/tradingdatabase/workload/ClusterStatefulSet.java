package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeDeletionPolicy;
import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.monitoring.ExporterSidecar;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The StatefulSet running Patroni and PostgreSQL (timescaledb-ha image). */
public final class ClusterStatefulSet {

  public static final String CONTAINER = "postgres";
  public static final String PGBACKREST_CONTAINER = "pgbackrest";
  static final String PGBACKREST_TLS_VOLUME = "pgbackrest-tls";
  static final String PGBACKREST_CONFIG_VOLUME = "pgbackrest-config";
  static final String PGBACKREST_REPO_VOLUME = "pgbackrest-repo";
  static final String PGBACKREST_SOURCE_VOLUME = "pgbackrest-source";
  static final String PGBACKREST_REPO_CA_VOLUME = "pgbackrest-repo-ca";
  static final String PGBACKREST_SOURCE_CA_VOLUME = "pgbackrest-source-ca";
  public static final String CONFIG_CHECKSUM_ANNOTATION = "tradingdb.io/config-checksum";

  private ClusterStatefulSet() {}

  /**
   * @param model the resolved cluster
   * @param configChecksum digest of the Patroni ConfigMap, so a change rolls the pods
   * @param existingClaimSizes claim template sizes of the StatefulSet as it exists (template name
   *     to size); volumeClaimTemplates are immutable, so these win and growth happens on the PVCs
   */
  public static StatefulSet build(
      ClusterModel model, String configChecksum, Map<String, String> existingClaimSizes) {
    return build(model, configChecksum, existingClaimSizes, false);
  }

  /**
   * @param operatorRollout whether the operator replaces the pods of a new template itself
   *     (OnDelete: replicas first, then a switchover, then the old primary) instead of the
   *     StatefulSet controller's RollingUpdate, which takes the highest ordinal first whatever its role
   */
  public static StatefulSet build(
      ClusterModel model, String configChecksum, Map<String, String> existingClaimSizes, boolean operatorRollout) {
    ClusterNames n = model.names();
    Map<String, String> podLabels =
        new LinkedHashMap<>(Labels.of("tradingdatabase", n.cluster(), "postgresql"));
    // Patroni finds the members (and the leader's address to clone from) by its labels plus this one.
    podLabels.put(PatroniConfigMap.SCOPE_LABEL, n.cluster());
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    claims.add(claim(model, ClusterNames.DATA_VOLUME, model.data(), existingClaimSizes));
    boolean withWal = walVolume(model, existingClaimSizes);
    if (withWal) {
      claims.add(claim(model, ClusterNames.WAL_VOLUME, model.wal().orElse(model.data()), existingClaimSizes));
    }
    String whenDeleted = model.volumeDeletionPolicy() == VolumeDeletionPolicy.DELETE ? "Delete" : "Retain";

    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(n.statefulSet())
        .withNamespace(n.namespace())
        .withLabels(Labels.of("tradingdatabase", n.cluster(), "postgresql"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(model.instances())
        .withServiceName(n.headlessService())
        .withPodManagementPolicy("Parallel")
        .withNewUpdateStrategy()
        .withType(operatorRollout ? "OnDelete" : "RollingUpdate")
        .endUpdateStrategy()
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted(whenDeleted)
        .withWhenScaled("Retain")
        .endPersistentVolumeClaimRetentionPolicy()
        .withNewSelector()
        .withMatchLabels(ClusterServices.podSelector(model, null))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(Map.of(CONFIG_CHECKSUM_ANNOTATION, configChecksum))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(n.serviceAccount())
        // Service links would inject variables such as <SERVICE>_PORT that Patroni could misread.
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(60L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(PodLayout.POSTGRES_UID)
        .withRunAsGroup(PodLayout.POSTGRES_UID)
        .withFsGroup(PodLayout.POSTGRES_UID)
        .withFsGroupChangePolicy("OnRootMismatch")
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(containers(model, withWal))
        .withVolumes(volumes(model))
        .withAffinity(affinity(model))
        .withNodeSelector(model.scheduling().getNodeSelector())
        .withTolerations(model.scheduling().getTolerations())
        .withPriorityClassName(model.scheduling().getPriorityClassName())
        .endSpec()
        .endTemplate()
        .withVolumeClaimTemplates(claims)
        .endSpec()
        .build();
  }

  /**
   * Whether the pods get a WAL volume. Once the StatefulSet exists its claim templates decide,
   * since they cannot change; the status then reports the difference as a pending change.
   */
  public static boolean walVolume(ClusterModel model, Map<String, String> existingClaimSizes) {
    return existingClaimSizes.isEmpty() ? model.wal().isPresent() : existingClaimSizes.containsKey(ClusterNames.WAL_VOLUME);
  }

  /** Claim template sizes of an existing StatefulSet, by template name. */
  public static Map<String, String> claimSizes(StatefulSet existing) {
    Map<String, String> sizes = new LinkedHashMap<>();
    if (existing == null || existing.getSpec() == null || existing.getSpec().getVolumeClaimTemplates() == null) {
      return sizes;
    }
    for (PersistentVolumeClaim claim : existing.getSpec().getVolumeClaimTemplates()) {
      Quantity size = claim.getSpec().getResources().getRequests().get("storage");
      if (size != null) {
        sizes.put(claim.getMetadata().getName(), size.toString());
      }
    }
    return sizes;
  }

  private static PersistentVolumeClaim claim(
      ClusterModel model, String name, ClusterModel.Volume volume, Map<String, String> existing) {
    String size = existing.getOrDefault(name, volume.size());
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "postgresql"))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(volume.storageClassName())
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }

  private static List<Container> containers(ClusterModel model, boolean withWal) {
    List<Container> containers = new ArrayList<>();
    containers.add(postgresContainer(model, withWal));
    if (model.monitoring().enabled()) {
      containers.add(ExporterSidecar.container(model));
    }
    if (model.pgBackRest().isPresent()) {
      containers.add(pgBackRestServer(model, withWal));
    }
    return containers;
  }

  /**
   * pgBackRest's TLS server, which backup Jobs reach to copy this instance's files; it accepts
   * only the client certificate issued by the cluster's CA for pgBackRest.
   */
  private static Container pgBackRestServer(ClusterModel model, boolean withWal) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(ClusterNames.DATA_VOLUME, PodLayout.DATA_MOUNT, false));
    if (withWal) {
      mounts.add(mount(ClusterNames.WAL_VOLUME, PatroniConfigMap.WAL_MOUNT, false));
    }
    mounts.addAll(pgBackRestMounts(model));
    // PGBACKREST_CONFIG names this file (without it the server exits at start); Patroni's credentials stay out.
    mounts.add(mount(PGBACKREST_CONFIG_VOLUME, PatroniConfigMap.MOUNT_PATH, true));
    mounts.add(mount("run", PodLayout.SOCKET_DIR, false));
    mounts.add(mount("tmp", "/tmp", false));
    return new ContainerBuilder()
        .withName(PGBACKREST_CONTAINER)
        .withImage(model.image())
        .withImagePullPolicy(model.imagePullPolicy())
        .withCommand("pgbackrest", "server")
        .addNewPort()
        .withName("pgbackrest")
        .withContainerPort(PgBackRestConf.SERVER_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(pgBackRestEnv(model))
        .withNewResources()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("32Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .withNewLivenessProbe()
        .withNewTcpSocket().withPort(new IntOrString("pgbackrest")).endTcpSocket()
        .withPeriodSeconds(30)
        .withFailureThreshold(3)
        .endLivenessProbe()
        // pgBackRest writes only to /tmp (an emptyDir): the root filesystem can be read-only here.
        .withSecurityContext(io.tradingdb.operator.tradingdatabase.monitoring.ContainerSecurity.restricted())
        .withVolumeMounts(mounts)
        .build();
  }

  /** The repository volume (a PVC repository) and the TLS files, in the PostgreSQL and pgBackRest containers. */
  private static List<VolumeMount> pgBackRestMounts(ClusterModel model) {
    List<VolumeMount> mounts = new ArrayList<>();
    model.pgBackRest().ifPresent(pgbr -> {
      mounts.add(mount(PGBACKREST_TLS_VOLUME, PatroniConfigMap.PGBACKREST_TLS_MOUNT, true));
      if (pgbr.storage().pvc() != null) {
        mounts.add(mount(PGBACKREST_REPO_VOLUME, PgBackRestConf.PVC_MOUNT, false));
      }
    });
    model.pgBackRestBootstrap().filter(source -> source.storage().pvc() != null)
        .ifPresent(source -> mounts.add(mount(PGBACKREST_SOURCE_VOLUME, PgBackRestConf.SOURCE_PVC_MOUNT, true)));
    storageCas(model).forEach((dir, volume) -> mounts.add(mount(volume.getName(), dir, true)));
    return mounts;
  }

  /** The config file and S3 keys by reference; the bootstrap source's keys under names only its script reads. */
  private static List<EnvVar> pgBackRestEnv(ClusterModel model) {
    List<EnvVar> env = new ArrayList<>();
    model.pgBackRest().ifPresent(pgbr -> {
      env.add(value("PGBACKREST_CONFIG", PatroniConfigMap.MOUNT_PATH + "/" + PatroniConfigMap.PGBACKREST_FILE));
      if (pgbr.storage().s3() != null) {
        String secret = pgbr.storage().s3().credentialsSecret();
        env.add(secret("PGBACKREST_REPO1_S3_KEY", secret, "AWS_ACCESS_KEY_ID"));
        env.add(secret("PGBACKREST_REPO1_S3_KEY_SECRET", secret, "AWS_SECRET_ACCESS_KEY"));
      }
    });
    model.pgBackRestBootstrap().filter(source -> source.storage().s3() != null).ifPresent(source -> {
      String secret = source.storage().s3().credentialsSecret();
      env.add(secret(PatroniConfigMap.SOURCE_S3_KEY_ENV, secret, "AWS_ACCESS_KEY_ID"));
      env.add(secret(PatroniConfigMap.SOURCE_S3_KEY_SECRET_ENV, secret, "AWS_SECRET_ACCESS_KEY"));
    });
    return env;
  }

  private static Container postgresContainer(ClusterModel model, boolean withWal) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(ClusterNames.DATA_VOLUME, PodLayout.DATA_MOUNT, false));
    if (withWal) {
      mounts.add(mount(ClusterNames.WAL_VOLUME, PatroniConfigMap.WAL_MOUNT, false));
    }
    mounts.add(mount("patroni-config", PatroniConfigMap.MOUNT_PATH, true));
    mounts.add(mount("run", "/var/run/postgresql", false));
    mounts.add(mount("tmp", "/tmp", false));
    if (model.tlsEnabled()) {
      mounts.add(mount("tls", PatroniConfigMap.TLS_MOUNT, true));
    }
    mounts.addAll(pgBackRestMounts(model));
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(model.image())
        .withImagePullPolicy(model.imagePullPolicy())
        // The folder: Patroni merges patroni.yaml and credentials.yaml (and ignores the other files).
        .withCommand("patroni", PatroniConfigMap.MOUNT_PATH)
        .addNewPort()
        .withName("postgresql")
        .withContainerPort(ClusterNames.POSTGRES_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("patroni")
        .withContainerPort(ClusterNames.PATRONI_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(env(model))
        .withResources(model.resources())
        // A first start may run initdb or a long recovery: allow up to 15 minutes.
        .withStartupProbe(patroniProbe(model, "/liveness", 10, 90))
        .withLivenessProbe(patroniProbe(model, "/liveness", 10, 6))
        .withReadinessProbe(patroniProbe(model, "/readiness", 5, 3))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withVolumeMounts(mounts)
        .build();
  }

  /**
   * Whether this pod's Patroni serves its REST API over HTTPS, as its own template says (the readiness
   * probe's scheme follows restapi.certfile): during a roll, older pods may still serve HTTP.
   */
  public static boolean servesRestApiOverTls(io.fabric8.kubernetes.api.model.Pod pod) {
    if (pod == null || pod.getSpec() == null) {
      return false;
    }
    return pod.getSpec().getContainers().stream().filter(c -> CONTAINER.equals(c.getName())).findFirst()
        .map(Container::getReadinessProbe).map(Probe::getHttpGet)
        .map(get -> "HTTPS".equalsIgnoreCase(get.getScheme())).orElse(false);
  }

  private static Probe patroniProbe(ClusterModel model, String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("patroni"))
        // The kubelet does not check the certificate of an HTTPS probe.
        .withScheme(model.patroni().restApiTls() ? "HTTPS" : "HTTP")
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static List<EnvVar> env(ClusterModel model) {
    String superuser = model.superuserSecret();
    String replication = model.names().replicationSecret();
    List<EnvVar> env = new ArrayList<>();
    env.add(field("PATRONI_NAME", "metadata.name"));
    env.add(field("PATRONI_KUBERNETES_NAMESPACE", "metadata.namespace"));
    env.add(field("PATRONI_KUBERNETES_POD_IP", "status.podIP"));
    env.add(value("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "$(PATRONI_KUBERNETES_POD_IP):" + ClusterNames.POSTGRES_PORT));
    env.add(value("PATRONI_RESTAPI_CONNECT_ADDRESS", "$(PATRONI_KUBERNETES_POD_IP):" + ClusterNames.PATRONI_PORT));
    // The logins come from a file of the configuration folder (PatroniCredentials): Patroni lays its
    // environment over its files at every reload, so a password here could never be rotated.
    env.add(value("PGDATA", PodLayout.DATA_DIR));
    // archive_command, restore_command and the bootstrap restore run pgBackRest from here.
    env.addAll(pgBackRestEnv(model));
    return env;
  }

  private static List<Volume> volumes(ClusterModel model) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName("patroni-config")
            .withNewProjected()
            .withDefaultMode(0444)
            .addNewSource().withNewConfigMap().withName(model.names().patroniConfig()).endConfigMap().endSource()
            // Readable by the pod's group (fsGroup) only: it holds the superuser's password.
            .addNewSource().withNewSecret().withName(model.names().patroniCredentialsSecret())
            .addNewItem().withKey(PatroniCredentials.FILE).withPath(PatroniCredentials.FILE).withMode(0440).endItem()
            .endSecret().endSource()
            .endProjected()
            .build());
    volumes.add(new VolumeBuilder().withName("run").withNewEmptyDir().endEmptyDir().build());
    if (model.monitoring().enabled()) {
      volumes.add(ExporterSidecar.volume(model));
      volumes.add(ExporterSidecar.passwordVolume(model));
    }
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    if (model.tlsEnabled()) {
      // 0640 with fsGroup: PostgreSQL accepts a key readable by its group when root owns it.
      volumes.add(
          new VolumeBuilder()
              .withName("tls")
              .withNewSecret()
              .withSecretName(model.tlsSecret())
              .withDefaultMode(0640)
              .endSecret()
              .build());
    }
    model.pgBackRest().ifPresent(pgbr -> {
      // 0600, group-readable through fsGroup: pgBackRest accepts a key like that when root owns it.
      volumes.add(new VolumeBuilder().withName(PGBACKREST_TLS_VOLUME).withNewSecret()
          .withSecretName(model.names().pgBackRestTlsSecret()).withDefaultMode(0600)
          .addNewItem().withKey(PodLayout.CA_CERT).withPath(PodLayout.CA_CERT).endItem()
          .addNewItem().withKey(PodLayout.TLS_CERT).withPath(PodLayout.TLS_CERT).endItem()
          .addNewItem().withKey(PodLayout.TLS_KEY).withPath(PodLayout.TLS_KEY).endItem()
          .endSecret().build());
      volumes.add(new VolumeBuilder().withName(PGBACKREST_CONFIG_VOLUME).withNewConfigMap()
          .withName(model.names().patroniConfig()).withDefaultMode(0444)
          .addNewItem().withKey(PatroniConfigMap.PGBACKREST_FILE).withPath(PatroniConfigMap.PGBACKREST_FILE).endItem()
          .endConfigMap().build());
      if (pgbr.storage().pvc() != null) {
        volumes.add(new VolumeBuilder().withName(PGBACKREST_REPO_VOLUME).withNewPersistentVolumeClaim()
            .withClaimName(pgbr.storage().pvc().claimName()).endPersistentVolumeClaim().build());
      }
    });
    model.pgBackRestBootstrap().filter(source -> source.storage().pvc() != null).ifPresent(source ->
        volumes.add(new VolumeBuilder().withName(PGBACKREST_SOURCE_VOLUME).withNewPersistentVolumeClaim()
            .withClaimName(source.storage().pvc().claimName()).withReadOnly(true).endPersistentVolumeClaim().build()));
    volumes.addAll(storageCas(model).values());
    return volumes;
  }

  /** The S3 CAs the pgBackRest containers mount, folder to volume: the repository's and the bootstrap source's. */
  private static Map<String, Volume> storageCas(ClusterModel model) {
    Map<String, Volume> cas = new java.util.LinkedHashMap<>();
    model.pgBackRest().map(pgbr -> pgbr.storage().s3()).filter(s3 -> s3.caSecret() != null)
        .ifPresent(s3 -> cas.put(PgBackRestConf.REPOSITORY_CA_DIR, s3.caVolume(PGBACKREST_REPO_CA_VOLUME)));
    model.pgBackRestBootstrap().map(source -> source.storage().s3()).filter(s3 -> s3.caSecret() != null)
        .ifPresent(s3 -> cas.put(PgBackRestConf.SOURCE_CA_DIR, s3.caVolume(PGBACKREST_SOURCE_CA_VOLUME)));
    return cas;
  }

  private static Affinity affinity(ClusterModel model) {
    if (model.scheduling().getAffinity() != null) {
      return model.scheduling().getAffinity();
    }
    if (!model.highlyAvailable()) {
      return null;
    }
    // Preferred, not required: a small cluster still runs all instances, just less spread.
    return new AffinityBuilder()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector()
        .withMatchLabels(ClusterServices.podSelector(model, null))
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly ? true : null).build();
  }

  private static EnvVar field(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withApiVersion("v1")
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secret(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
