package io.tradingdb.operator.tradingdatabase.pooler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.ContainerSecurity;
import io.tradingdb.operator.tradingdatabase.monitoring.PoolerExporterSidecar;
import io.tradingdb.operator.tradingdatabase.monitoring.RotatedPassword;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pgBouncer Deployment. Configuration changes are applied by a reload inside the pod (see
 * run-pgbouncer.sh), so the pod template does not change with them and clients stay connected;
 * image or resource changes roll one extra pod in before one goes (maxSurge 1, maxUnavailable 0).
 */
public final class PoolerDeployment {

  public static final String COMPONENT = "pooler";
  public static final String CONTAINER = "pgbouncer";
  public static final String PORT_NAME = "pgbouncer";
  /** The user and group of CloudNativePG's image; numeric so runAsNonRoot can be verified. */
  public static final long POOLER_UID = 998;
  public static final long POOLER_GID = 996;

  private PoolerDeployment() {}

  public static Map<String, String> labels(ClusterModel model) {
    return Labels.of("tradingdatabase", model.names().cluster(), COMPONENT);
  }

  public static Map<String, String> selector(ClusterModel model) {
    return Labels.selector("tradingdatabase", model.names().cluster(), COMPONENT);
  }

  public static Deployment build(ClusterModel model) {
    ClusterNames names = model.names();
    SchedulingSpec scheduling = model.scheduling();
    List<Container> containers = new ArrayList<>(List.of(pgbouncer(model)));
    if (model.monitoring().enabled()) {
      containers.add(PoolerExporterSidecar.container(model));
    }
    var pod = new PodSpecBuilder()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(60L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(POOLER_UID)
        .withRunAsGroup(POOLER_GID)
        .withFsGroup(POOLER_GID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector().withMatchLabels(selector(model)).endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .withNodeSelector(scheduling.getNodeSelector())
        .withTolerations(scheduling.getTolerations())
        .withPriorityClassName(scheduling.getPriorityClassName())
        .withContainers(containers)
        .withVolumes(volumes(model))
        .build();
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(names.poolerDeployment())
        .withNamespace(names.namespace())
        .withLabels(labels(model))
        .endMetadata()
        .withNewSpec()
        .withReplicas(model.pooler().instances())
        .withNewSelector().withMatchLabels(selector(model)).endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(model))
        .addToAnnotations("kubectl.kubernetes.io/default-container", CONTAINER)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container pgbouncer(ClusterModel model) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(model.pooler().image())
        .withImagePullPolicy(model.imagePullPolicy())
        .withCommand("/bin/sh", PoolerLayout.CONFIG_DIR + "/" + PoolerLayout.RUN_SCRIPT)
        .addNewPort()
        .withName(PORT_NAME)
        .withContainerPort(ClusterNames.POOLER_PORT)
        .withProtocol("TCP")
        .endPort()
        .withNewReadinessProbe()
        .withNewTcpSocket().withPort(new IntOrString(PORT_NAME)).endTcpSocket()
        .withPeriodSeconds(5)
        .withTimeoutSeconds(3)
        .withFailureThreshold(2)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewTcpSocket().withPort(new IntOrString(PORT_NAME)).endTcpSocket()
        .withInitialDelaySeconds(10)
        .withPeriodSeconds(10)
        .withTimeoutSeconds(5)
        .withFailureThreshold(6)
        .endLivenessProbe()
        // Give the Service time to drop this endpoint before pgBouncer stops accepting.
        .withNewLifecycle()
        .withNewPreStop().withNewExec().withCommand("/bin/sh", "-c", "sleep 5").endExec().endPreStop()
        .endLifecycle()
        .withResources(model.pooler().resources())
        .withSecurityContext(ContainerSecurity.restricted())
        .withVolumeMounts(mounts(model))
        .build();
  }

  private static List<VolumeMount> mounts(ClusterModel model) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("config", PoolerLayout.CONFIG_DIR));
    mounts.add(mount("auth", PoolerLayout.AUTH_DIR));
    if (model.tlsEnabled()) {
      mounts.add(mount("tls", PoolerLayout.TLS_DIR));
    }
    return mounts;
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }

  private static List<Volume> volumes(ClusterModel model) {
    ClusterNames names = model.names();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("config")
        .withNewConfigMap().withName(names.poolerConfig()).withDefaultMode(0444).endConfigMap()
        .build());
    volumes.add(new VolumeBuilder().withName("auth")
        .withNewSecret().withSecretName(names.poolerAuthSecret()).withDefaultMode(0440)
        .addNewItem().withKey(PoolerConfigMap.AUTH_FILE_KEY).withPath(PoolerLayout.AUTH_FILE).endItem()
        .addNewItem().withKey(PoolerConfigMap.AUTH_USER_KEY).withPath(PoolerLayout.AUTH_USER_FILE).endItem()
        .endSecret()
        .build());
    if (model.tlsEnabled()) {
      volumes.add(new VolumeBuilder().withName("tls")
          .withNewSecret().withSecretName(names.tlsSecret()).withDefaultMode(0440).endSecret()
          .build());
    }
    if (model.monitoring().enabled()) {
      volumes.add(RotatedPassword.volume(PoolerExporterSidecar.PASSWORD_VOLUME, names.poolerAuthSecret(),
          PoolerExporterSidecar.loginKeys()));
    }
    return volumes;
  }
}
