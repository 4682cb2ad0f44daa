package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.monitoring.AlertRouting;
import io.tradingdb.operator.tradingdatabase.monitoring.PrometheusRuleBuilder;
import io.tradingdb.operator.tradingdatabase.pooler.LocalProcesses;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The disk alerts and the dashboard's volume, CPU and memory panels against the series the real
 * node's kubelet emits: Debian's Prometheus scrapes the kubelet's /metrics and /metrics/cadvisor
 * as kube-prometheus does (HTTPS on the node's port, a ServiceAccount token the kubelet checks
 * with the API server), evaluates the operator's disk rules and sends to Alertmanager and a
 * Slack-compatible sink. A pod named like the cluster's first instance mounts claims named like
 * its data and WAL claims and fills the data volume for real.
 *
 * <p>The kubelet reports a volume's statfs, not its claim. testenv's local PVs are loop-mounted
 * filesystems of the claim's size, so the WAL claim's capacity is its 16 MiB less the filesystem's
 * own overhead (checked below). The data claim is bound to a local PV on a 32 MiB tmpfs mounted by
 * the test, whose capacity is exactly the claim's, a limit the default 80%/90% thresholds are
 * crossed against.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskAndPodMetricsOnRealNodeIT {

  static final String CLUSTER = "prod";
  static final String POD = CLUSTER + "-0";
  static final String DATA_CLAIM = "pgdata-" + POD;
  static final String WAL_CLAIM = "pgwal-" + POD;
  static final int VOLUME_MIB = 32;
  static final String TMPFS_CLASS = "tradingdb-test-tmpfs";
  /** The node's kubelet, as real-node.sh configures it. */
  static final String KUBELET = "198.18.0.1:10250";

  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> timings = new ArrayList<>();

  static KubernetesClient client;
  static String ns;
  static Path tmpfs;
  static boolean mounted;
  static PrometheusStack stack;
  static SlackSink sink;
  static ClusterModel model;

  @BeforeAll
  static void start() throws Exception {
    client = RealCluster.client();
    ns = RealCluster.createNamespace(client, "disk-alerts", Map.of());
    assertThat(client.nodes().withName(RealNodeIT.REAL_NODE).get()).as("the real node cluster.sh starts").isNotNull();
    sink = new SlackSink();
    stack = new PrometheusStack();
    client.resource(new SecretBuilder().withNewMetadata().withName("slack-webhook").withNamespace(ns).endMetadata()
        .withStringData(Map.of("url", sink.url())).build()).create();
    // The rules as the operator writes them for this cluster (default thresholds 80% and 90%).
    TradingDatabase db = Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: TradingDatabase
        metadata: {name: %s, namespace: %s}
        spec:
          instances: 1
          databaseName: ai_trading
          storage: {data: {size: 1Gi}}
          monitoring:
            alerting: {slack: {webhookUrlSecretRef: {name: slack-webhook}}}
        """.formatted(CLUSTER, ns), TradingDatabase.class);
    model = ClusterModel.from(db);

    tmpfs = Files.createTempDirectory("tradingdb-disk-alert");
    LocalProcesses.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + VOLUME_MIB + "m,mode=0755", "tmpfs", tmpfs.toString()));
    mounted = true;
    client.resource(new PersistentVolumeBuilder().withNewMetadata().withName(ns + "-data").endMetadata()
        .withNewSpec().withCapacity(Map.of("storage", new Quantity(VOLUME_MIB + "Mi"))).withAccessModes("ReadWriteOnce")
        .withStorageClassName(TMPFS_CLASS).withPersistentVolumeReclaimPolicy("Retain")
        .withNewLocal().withPath(tmpfs.toString()).endLocal()
        .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("kubernetes.io/hostname").withOperator("In").withValues(RealNodeIT.REAL_NODE).endMatchExpression()
        .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec().build()).create();
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(DATA_CLAIM).withNamespace(ns).endMetadata()
        .withNewSpec().withStorageClassName(TMPFS_CLASS).withVolumeName(ns + "-data").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity(VOLUME_MIB + "Mi"))).endResources().endSpec()
        .build()).create();
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(WAL_CLAIM).withNamespace(ns).endMetadata()
        .withNewSpec().withStorageClassName("standard-wffc").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity("16Mi"))).endResources().endSpec()
        .build()).create();
    Container postgres = new ContainerBuilder(RealNodeIT.busybox("postgres", "exec /bin/busybox sleep 3600"))
        .addNewVolumeMount().withName("pgdata").withMountPath("/data").endVolumeMount()
        .addNewVolumeMount().withName("pgwal").withMountPath("/wal").endVolumeMount()
        .build();
    client.resource(new PodBuilder().withNewMetadata().withName(POD).withNamespace(ns).endMetadata()
        .withSpec(RealNodeIT.onRealNode(new PodSpecBuilder()).withContainers(postgres)
            .addNewVolume().withName("pgdata").withNewPersistentVolumeClaim().withClaimName(DATA_CLAIM)
            .endPersistentVolumeClaim().endVolume()
            .addNewVolume().withName("pgwal").withNewPersistentVolumeClaim().withClaimName(WAL_CLAIM)
            .endPersistentVolumeClaim().endVolume().build())
        .build()).create();
    client.pods().inNamespace(ns).withName(POD).waitUntilCondition(Readiness::isPodReady, 120, TimeUnit.SECONDS);

    // Prometheus's identity at the kubelet: a ServiceAccount allowed nodes/metrics, as kube-prometheus has.
    String role = "tradingdb-test-kubelet-metrics-" + ns;
    client.resource(new ServiceAccountBuilder().withNewMetadata().withName("prometheus").withNamespace(ns).endMetadata()
        .build()).create();
    client.resource(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata()
        .addNewRule().withApiGroups("").withResources("nodes/metrics").withVerbs("get").endRule().build()).create();
    client.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName("prometheus").withNamespace(ns).endSubject().build()).create();
    String token = client.serviceAccounts().inNamespace(ns).withName("prometheus").tokenRequest(new TokenRequestBuilder()
        .withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    Path tokenFile = secretFile("kubelet-token", token);
    Path caFile = secretFile("ca.crt", new String(Base64.getDecoder().decode(
        RealCluster.config().getCaCertData()), StandardCharsets.UTF_8));

    Path urlFile = secretFile("slack-url", sink.url());
    AlertRouting.Plain plain = AlertRouting.plain(model, urlFile.toString(), null);
    stack.startAlertmanager(Map.of(
        "route", Map.of("receiver", "unrouted", "routes", List.of(AlertsEndToEndIT.scaleRoute(plain.route()))),
        "receivers", List.of(Map.of("name", "unrouted"), plain.receiver())));
    List<Map<String, Object>> groups = JSON.convertValue(PrometheusRuleBuilder.groups(model),
        JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
    for (Map<String, Object> group : groups) {
      // Only the rules this run can make true; the others (no exporter here) would be absent or stay blind.
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
      rules.removeIf(r -> !String.valueOf(r.get("expr")).contains("kubelet_volume_stats_"));
    }
    stack.startPrometheus(List.of(kubeletScrape("kubelet", "/metrics", caFile, tokenFile),
        kubeletScrape("kubelet-cadvisor", "/metrics/cadvisor", caFile, tokenFile)), AlertsEndToEndIT.scaleFor(groups));
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("disk alert timings (cause -> webhook delivery):\n  " + String.join("\n  ", timings));
    for (AutoCloseable c : new AutoCloseable[] {stack, sink}) {
      if (c != null) {
        c.close();
      }
    }
    if (client != null && ns != null) {
      client.pods().inNamespace(ns).withName(POD).withGracePeriod(0).delete();
      client.pods().inNamespace(ns).withName(POD).waitUntilCondition(p -> p == null, 120, TimeUnit.SECONDS);
      client.persistentVolumeClaims().inNamespace(ns).delete();
      client.persistentVolumes().withName(ns + "-data").delete();
      String role = "tradingdb-test-kubelet-metrics-" + ns;
      client.rbac().clusterRoleBindings().withName(role).delete();
      client.rbac().clusterRoles().withName(role).delete();
      client.namespaces().withName(ns).delete();
    }
    if (mounted) {
      // The kubelet unmounts its bind mount when the pod is gone; until then the tmpfs is busy.
      await("tmpfs unmounted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
          .until(() -> {
            LocalProcesses.run(List.of("umount", tmpfs.toString()));
            return true;
          });
    }
    if (tmpfs != null) {
      Files.deleteIfExists(tmpfs);
    }
  }

  @Test
  @Order(1)
  void rulesAndPanelsSelectOnlyLabelsTheRealKubeletsSeriesCarry() throws Exception {
    await("the kubelet's volume and cAdvisor series of " + POD).atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
          assertThat(stack.series("kubelet_volume_stats_capacity_bytes{namespace=\"" + ns + "\"}")).hasSize(2);
          assertThat(stack.series("container_memory_working_set_bytes{namespace=\"" + ns + "\",pod=\"" + POD
              + "\",container=\"postgres\"}")).isNotEmpty();
          assertThat(stack.series("container_cpu_usage_seconds_total{namespace=\"" + ns + "\",pod=\"" + POD
              + "\",container=\"postgres\"}")).isNotEmpty();
        });
    // The kubelet names a volume by its claim and namespace: what the rules select the cluster's claims by.
    Map<String, String> data = stack.series("kubelet_volume_stats_capacity_bytes{namespace=\"" + ns
        + "\",persistentvolumeclaim=\"" + DATA_CLAIM + "\"}").get(0);
    assertThat(data).containsKeys("namespace", "persistentvolumeclaim");
    double dataCapacity = value("kubelet_volume_stats_capacity_bytes{persistentvolumeclaim=\"" + DATA_CLAIM + "\"}");
    double walCapacity = value("kubelet_volume_stats_capacity_bytes{persistentvolumeclaim=\"" + WAL_CLAIM + "\"}");
    System.out.printf("kubelet capacity: %s (tmpfs-backed local PV) %.0f bytes; %s (testenv loop-mounted local PV, 16Mi claim) %.0f bytes%n",
        DATA_CLAIM, dataCapacity, WAL_CLAIM, walCapacity);
    assertThat(dataCapacity).isEqualTo(VOLUME_MIB * 1024.0 * 1024.0);
    assertThat(walCapacity).as("testenv's local PV is a filesystem of the claim's size, less its own overhead")
        .isBetween(8 * 1024.0 * 1024.0, 16 * 1024.0 * 1024.0);

    JsonNode rules = JSON.valueToTree(PrometheusRuleBuilder.groups(model)).path(0).path("rules");
    Set<String> skipped = new TreeSet<>();
    Set<String> checked = new TreeSet<>();
    List<String> problems = PromQlSelectors.unmatched(stack, PromQlSelectors.ruleAndDashboardQueries(rules), ns, CLUSTER,
        metric -> metric.startsWith("kubelet_") || metric.startsWith("container_"), skipped, checked);
    System.out.println("checked against the real kubelet:\n  " + String.join("\n  ", checked));
    assertThat(problems).isEmpty();
    assertThat(checked).anyMatch(s -> s.startsWith("rule TradingDbDiskUsageHigh: kubelet_volume_stats_used_bytes{"))
        .anyMatch(s -> s.startsWith("rule TradingDbDiskUsageCritical: kubelet_volume_stats_capacity_bytes{"))
        .anyMatch(s -> s.contains(": container_cpu_usage_seconds_total{"))
        .anyMatch(s -> s.contains(": container_memory_working_set_bytes{"));
    // The panels' own queries answer per container with the cAdvisor numbers of the running pod.
    JsonNode cpu = stack.prometheus("/api/v1/query", Map.of("query", "sum by (pod, container) (rate(container_cpu_usage_seconds_total{namespace=\""
        + ns + "\",pod=~\"" + CLUSTER + "-[0-9]+\",container!=\"\"}[1m]))"));
    JsonNode memory = stack.prometheus("/api/v1/query", Map.of("query", "sum by (pod, container) (container_memory_working_set_bytes{namespace=\""
        + ns + "\",pod=~\"" + CLUSTER + "-[0-9]+\",container!=\"\"})"));
    System.out.println("dashboard CPU: " + cpu.path("result") + "\ndashboard memory: " + memory.path("result"));
    assertThat(memory.path("result").path(0).path("metric").path("container").asText()).isEqualTo("postgres");
    assertThat(memory.path("result").path(0).path("value").path(1).asDouble()).isPositive();
  }

  @Test
  @Order(2)
  void fillingTheDataVolumeFiresTheWarningThenTheCriticalAlert() throws Exception {
    assertThat(stack.alertState("TradingDbDiskUsageHigh")).isNull();
    // 27 of 32 MiB: 84%, above 80 and below 90.
    exec("/bin/busybox", "dd", "if=/dev/zero", "of=/data/fill-1", "bs=1M", "count=27");
    Instant cause = Instant.now();
    SlackSink.Message m = awaitDelivered("TradingDbDiskUsageHigh", cause, "FIRING");
    assertThat(m.text()).contains("Volume more than 80% full", DATA_CLAIM + " is 84% full", "grow spec.storage");
    assertThat(stack.alertState("TradingDbDiskUsageCritical")).isNull();
    record("TradingDbDiskUsageHigh", "dd 27 MiB into the 32 MiB tmpfs data volume (84%), for: 5m -> 5s", cause, m);

    // 30 of 32 MiB: 94%.
    exec("/bin/busybox", "dd", "if=/dev/zero", "of=/data/fill-2", "bs=1M", "count=3");
    cause = Instant.now();
    m = awaitDelivered("TradingDbDiskUsageCritical", cause, "FIRING");
    assertThat(m.text()).contains("Volume more than 90% full", DATA_CLAIM + " is 94% full",
        "PostgreSQL stops when the data or WAL volume is full");
    record("TradingDbDiskUsageCritical", "3 MiB more (94%), for: 2m -> 2s", cause, m);

    exec("/bin/busybox", "rm", "/data/fill-1", "/data/fill-2");
    Instant freed = Instant.now();
    for (String alert : List.of("TradingDbDiskUsageCritical", "TradingDbDiskUsageHigh")) {
      SlackSink.Message resolved = awaitDelivered(alert, freed, "RESOLVED");
      timings.add(String.format("%-30s resolved %5.1f s after the files were removed", alert,
          Duration.between(freed, resolved.receivedAt()).toMillis() / 1000.0));
    }
  }

  private static SlackSink.Message awaitDelivered(String alert, Instant since, String status) {
    // The kubelet refreshes volume statistics once a minute (volumeStatsAggPeriod), so allow for that.
    return sink.await(alert + " " + status + " in Slack", since,
        m -> m.title().startsWith("[" + status) && m.title().contains("] " + alert + " on " + ns + "/" + CLUSTER),
        Duration.ofSeconds(180));
  }

  private static void record(String alert, String how, Instant cause, SlackSink.Message m) {
    timings.add(String.format("%-30s fired, delivered %5.1f s after the cause: %s", alert,
        Duration.between(cause, m.receivedAt()).toMillis() / 1000.0, how));
  }

  private static double value(String query) throws Exception {
    return stack.prometheus("/api/v1/query", Map.of("query", query)).path("result").path(0).path("value").path(1).asDouble();
  }

  private static Map<String, Object> kubeletScrape(String job, String path, Path caFile, Path tokenFile) {
    return Map.of("job_name", job, "scheme", "https", "metrics_path", path, "honor_labels", true,
        "scrape_interval", "5s", "scrape_timeout", "5s",
        "tls_config", Map.of("ca_file", caFile.toString()),
        "authorization", Map.of("credentials_file", tokenFile.toString()),
        "static_configs", List.of(Map.of("targets", List.of(KUBELET), "labels", Map.of("node", RealNodeIT.REAL_NODE))));
  }

  private static Path secretFile(String name, String content) throws Exception {
    Path file = stack.dir().resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String exec(String... command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch = client.pods().inNamespace(ns).withName(POD).writingOutput(out).writingError(err)
        .exec(command)) {
      assertThat(watch.exitCode().get(60, TimeUnit.SECONDS)).as("%s: %s", String.join(" ", command), err).isZero();
    } catch (Exception e) {
      throw new AssertionError("exec " + String.join(" ", command) + " failed", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
