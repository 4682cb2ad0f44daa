package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.backup.BackupModel;
import io.tradingdb.operator.backup.BackupWorkloads;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerDeployment;
import io.tradingdb.operator.tradingdatabase.monitoring.ContainerSecurity;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pods that really run, on the real node testenv/cluster.sh starts beside the kwok nodes: in a
 * namespace enforcing the `restricted` Pod Security Standard, with the operator's container
 * security settings, a non-root pod writes to a local PersistentVolume through fsGroup, serves it
 * over HTTP, and the Service in front of it answers from this machine (kube-proxy) and from
 * another pod by its DNS name (CoreDNS); kubectl logs, exec and port-forward reach the kubelet.
 */
class RealNodeIT {

  /** Labels and taint cluster.sh puts on the real node (testenv/real-node.sh). */
  static final String REAL_NODE = "real-node";
  static final String TAINT = "tradingdb.io/real-node";
  /** busybox-static in a two-file image, imported by cluster.sh. */
  static final String TOOLBOX = "localhost/toolbox:busybox";
  static final long NOBODY = 65534;
  static final long FS_GROUP = 2000;

  static KubernetesClient client;
  static String ns;
  static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    client = RealCluster.client();
    ns = RealCluster.createNamespace(client, "real-node", Map.of(
        "pod-security.kubernetes.io/enforce", "restricted",
        "pod-security.kubernetes.io/enforce-version", "latest"));
    Node node = client.nodes().withName(REAL_NODE).get();
    assertThat(node).as("the real node cluster.sh starts").isNotNull();
    assertThat(node.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
  }

  /** Scheduling onto the real node only: its label plus a toleration of its taint. */
  static PodSpecBuilder onRealNode(PodSpecBuilder spec) {
    return spec.withNodeSelector(Map.of("kubernetes.io/hostname", REAL_NODE))
        .withTolerations(new TolerationBuilder().withKey(TAINT).withOperator("Exists").withEffect("NoSchedule").build())
        .withNewSecurityContext().withRunAsUser(NOBODY).withRunAsGroup(NOBODY).withFsGroup(FS_GROUP)
        .withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .withAutomountServiceAccountToken(false);
  }

  static Container busybox(String name, String script) {
    return new ContainerBuilder().withName(name).withImage(TOOLBOX).withImagePullPolicy("IfNotPresent")
        .withCommand("/bin/busybox", "sh", "-c", script)
        .withSecurityContext(ContainerSecurity.restricted())
        .withNewResources().withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi")))
        .withLimits(Map.of("memory", new Quantity("64Mi"))).endResources()
        .build();
  }

  /** An HTTP server whose page lives on a local PV written by a non-root user through fsGroup. */
  static void startWebServer(String name) {
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withStorageClassName("standard-wffc").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity("16Mi"))).endResources().endSpec()
        .build()).create();
    String script = "set -e; B=/bin/busybox; $B echo \"page from $($B hostname) uid $($B id -u)\" > /data/index.html; "
        + "exec $B httpd -f -v -p 8080 -h /data";
    Container web = new ContainerBuilder(busybox("web", script))
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .withNewReadinessProbe().withNewHttpGet().withPath("/index.html").withPort(new IntOrString(8080)).endHttpGet()
        .withPeriodSeconds(1).endReadinessProbe()
        .build();
    PodSpec spec = onRealNode(new PodSpecBuilder()).withContainers(web)
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(name).endPersistentVolumeClaim()
        .endVolume().build();
    client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(Map.of("app", name)).endMetadata().withSpec(spec).build()).create();
    client.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withSelector(Map.of("app", name))
        .addNewPort().withPort(80).withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
    client.pods().inNamespace(ns).withName(name).waitUntilCondition(Readiness::isPodReady, 120, TimeUnit.SECONDS);
  }

  @Test
  void aNonRootPodWritesToALocalVolumeThroughFsGroupAndIsReady() {
    startWebServer("volume");
    Pod pod = client.pods().inNamespace(ns).withName("volume").get();
    assertThat(pod.getSpec().getNodeName()).isEqualTo(REAL_NODE);
    assertThat(pod.getStatus().getPodIP()).startsWith("198.18.");
    String volume = client.persistentVolumeClaims().inNamespace(ns).withName("volume").get().getSpec().getVolumeName();
    PersistentVolume pv = client.persistentVolumes().withName(volume).get();
    assertThat(pv.getSpec().getLocal()).as("a local volume, so fsGroup applies").isNotNull();
    // The readiness probe reads the page the container wrote as uid 65534 into the volume.
    assertThat(exec("volume", "/bin/busybox", "stat", "-c", "%g %a", "/data"))
        .as("group and mode the kubelet gave the volume").startsWith(FS_GROUP + " 2");
  }

  @Test
  void aServiceAnswersFromThisMachineAndFromAnotherPodByItsDnsName() throws Exception {
    startWebServer("web");
    String clusterIp = client.services().inNamespace(ns).withName("web").get().getSpec().getClusterIP();
    assertThat(clusterIp).startsWith("198.19.");

    // From this machine: kube-proxy's iptables rules take the ClusterIP to the pod.
    HttpResponse<String> fromHost = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
        () -> http.send(HttpRequest.newBuilder(URI.create("http://" + clusterIp + "/index.html"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()),
        r -> r.statusCode() == 200);
    assertThat(fromHost.body()).startsWith("page from web uid 65534");

    // From another pod, by name: CoreDNS answers, kube-proxy routes; the log is read through the kubelet.
    String host = "web." + ns + ".svc.cluster.local";
    PodSpec client1 = onRealNode(new PodSpecBuilder()).withRestartPolicy("Never")
        // No wget -T: this static busybox crashes on its alarm-based timeout; the pod's wait bounds it.
        .withContainers(busybox("client", "set -e; B=/bin/busybox; $B nslookup " + host + "; "
            + "$B wget -q -O - http://" + host + "/index.html"))
        .build();
    client.resource(new PodBuilder().withNewMetadata().withName("client").withNamespace(ns).endMetadata()
        .withSpec(client1).build()).create();
    Pod done = client.pods().inNamespace(ns).withName("client").waitUntilCondition(
        p -> p != null && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()), 120, TimeUnit.SECONDS);
    String log = client.pods().inNamespace(ns).withName("client").getLog();
    assertThat(done.getStatus().getPhase()).as("client pod, log:\n" + log).isEqualTo("Succeeded");
    assertThat(log).contains("Address: " + clusterIp).contains("page from web uid 65534");
  }

  @Test
  void logsExecAndPortForwardReachTheKubelet() throws Exception {
    startWebServer("tools");
    assertThat(exec("tools", "/bin/busybox", "id", "-u")).isEqualTo(NOBODY + "\n");
    try (LocalPortForward forward = client.pods().inNamespace(ns).withName("tools").portForward(8080)) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forward.getLocalPort() + "/index.html"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).startsWith("page from tools uid 65534");
    }
    // httpd -v logs each client: the probes come from the node address, the forwarded request
    // from the pod's own loopback, where the kubelet's port-forward enters.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client.pods().inNamespace(ns).withName("tools").getLog())
            .contains("[::ffff:198.18.0.1]:").contains("[::ffff:127.0.0.1]:"));
  }

  /** What each stand-in image must run, and a line its output must contain. */
  record Check(List<String> command, String expected) {}

  static final Map<String, Check> IMAGE_CHECKS = Map.of(
      "localhost/tradingdb/timescaledb-ha:pg17", new Check(List.of("sh", "-c",
          "postgres --version && patroni --version && pgbackrest version"
              + " && test -f \"$(pg_config --pkglibdir)/timescaledb.so\" && echo timescaledb library present"),
          "timescaledb library present"),
      "localhost/tradingdb/pgbouncer:1.24", new Check(List.of("pgbouncer", "--version"), "PgBouncer 1.24"),
      "localhost/tradingdb/postgres-exporter:0.17", new Check(List.of("postgres_exporter", "--version"), "version 0.17"),
      "quay.io/prometheuscommunity/pgbouncer-exporter:v0.10.2",
      new Check(List.of("pgbouncer_exporter", "--version"), "pgbouncer_exporter"),
      "localhost/tradingdb/backup-tools:pg17", new Check(List.of("pg_dump", "--version"), "(PostgreSQL) 17"));

  /**
   * Every image the operator's own pod specs name, with their pod and container security
   * settings exactly as built (read-only root where the operator sets it), runs its main binary
   * to a zero exit; only the command, the environment and the volumes are left out.
   */
  @Test
  void eachStandInImageRunsWithTheOperatorsSecuritySettings() {
    TradingDatabase db = Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: TradingDatabase
        metadata: {name: images, namespace: %s}
        spec:
          profile: staging
          databaseName: ai_trading
          image: localhost/tradingdb/timescaledb-ha:pg17
          pooler: {enabled: true, image: localhost/tradingdb/pgbouncer:1.24}
          monitoring: {enabled: true, exporterImage: localhost/tradingdb/postgres-exporter:0.17}
        """.formatted(ns), TradingDatabase.class);
    BackupSchedule schedule = Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: images, namespace: %s}
        spec:
          target: {tradingDatabase: {name: images}}
          schedule: "0 3 * * *"
          image: localhost/tradingdb/backup-tools:pg17
          storage: {pvc: {claimName: backups}}
        """.formatted(ns), BackupSchedule.class);
    ClusterModel model = ClusterModel.from(db);
    List<PodSpec> specs = List.of(
        ClusterStatefulSet.build(model, "x", Map.of()).getSpec().getTemplate().getSpec(),
        PoolerDeployment.build(model).getSpec().getTemplate().getSpec(),
        BackupWorkloads.backupCronJobs(BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), db), db))
            .get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec());

    Map<String, String> podByImage = new java.util.TreeMap<>();
    for (PodSpec template : specs) {
      for (Container c : template.getContainers()) {
        Check check = IMAGE_CHECKS.get(c.getImage());
        assertThat(check).as("a check for image %s of container %s", c.getImage(), c.getName()).isNotNull();
        String name = "image-" + podByImage.size();
        Container run = new ContainerBuilder().withName(c.getName()).withImage(c.getImage())
            .withImagePullPolicy("IfNotPresent").withCommand(check.command())
            .withSecurityContext(c.getSecurityContext()).build();
        PodSpec spec = onRealNode(new PodSpecBuilder()).withRestartPolicy("Never")
            .withSecurityContext(template.getSecurityContext()).withContainers(run).build();
        client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
            .withSpec(spec).build()).create();
        podByImage.put(c.getImage(), name);
      }
    }
    assertThat(podByImage.keySet()).as("images the operator's pods use").isEqualTo(IMAGE_CHECKS.keySet());

    podByImage.forEach((image, name) -> {
      Pod done = client.pods().inNamespace(ns).withName(name).waitUntilCondition(
          p -> p != null && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()), 180, TimeUnit.SECONDS);
      String log = client.pods().inNamespace(ns).withName(name).getLog();
      assertThat(done.getStatus().getPhase()).as("%s, log:%n%s", image, log).isEqualTo("Succeeded");
      assertThat(log).as(image).contains(IMAGE_CHECKS.get(image).expected());
    });
  }

  static String exec(String pod, String... command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch = client.pods().inNamespace(ns).withName(pod).writingOutput(out).writingError(err)
        .exec(command)) {
      Integer code = watch.exitCode().get(30, TimeUnit.SECONDS);
      assertThat(code).as("exit code of %s, stderr: %s", String.join(" ", command), err).isZero();
    } catch (Exception e) {
      throw new AssertionError("exec " + String.join(" ", command) + " failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
