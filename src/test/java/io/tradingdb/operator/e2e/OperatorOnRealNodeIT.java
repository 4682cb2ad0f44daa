package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.OperatorSettings;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.RealCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's install, for real, on the real node: `helm install` of helm/tradingdb-operator with
 * the operator image built here; the operator pod becomes Ready and holds the Lease, and reconciles
 * a development TradingDatabase whose pod runs the timescaledb-ha stand-in. Patroni 4 initialises
 * the database and labels its pod role=primary itself, the -rw Service has that pod as endpoint,
 * and psql through it with sslmode=verify-full and the operator's CA creates a hypertable.
 */
class OperatorOnRealNodeIT {

  static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  static final String OPERATOR_IMAGE = "localhost/tradingdb/tradingdb-operator";
  static final String TIMESCALEDB_IMAGE = "localhost/tradingdb/timescaledb-ha:pg17";
  static final String ON_REAL_NODE = """
      {"nodeSelector": {"kubernetes.io/hostname": "real-node"},
       "tolerations": [{"key": "tradingdb.io/real-node", "operator": "Exists", "effect": "NoSchedule"}]}""";

  static KubernetesClient client;
  static String operatorNs;
  static String ns;

  @BeforeAll
  static void install() throws Exception {
    client = RealCluster.client();
    Map<String, String> restricted = Map.of(
        "pod-security.kubernetes.io/enforce", "restricted",
        "pod-security.kubernetes.io/enforce-version", "latest");
    operatorNs = RealCluster.createNamespace(client, "tradingdb-system", restricted);
    ns = RealCluster.createNamespace(client, "real-db", restricted);

    Path kubeconfig = Path.of(System.getenv("TRADINGDB_TEST_KUBECONFIG"));
    Path socket = kubeconfig.getParent().resolve("node/containerd.sock");
    // The image around the jar this build just packaged (cached by its hash), into the node's containerd.
    String built = run(List.of(PROJECT.resolve("testenv/images/build.sh").toString(), "--import", socket.toString(),
        "operator"), Duration.ofMinutes(15));
    String ref = built.strip().lines().reduce((a, b) -> b).orElseThrow().split("\t")[0];
    assertThat(ref).startsWith(OPERATOR_IMAGE + ":");

    String helm = binary("HELM_BIN");
    List<String> command = new ArrayList<>(List.of(helm, "install", "tdb", PROJECT.resolve("helm/tradingdb-operator").toString(),
        "--kubeconfig", kubeconfig.toString(), "--namespace", operatorNs,
        "--set", "image.repository=" + OPERATOR_IMAGE, "--set", "image.tag=" + ref.substring(ref.indexOf(':') + 1),
        "--set", "replicaCount=1", "--set", "watchNamespaces={" + ns + "}",
        "--set-json", "nodeSelector=" + Serialization.asJson(Serialization.unmarshal(ON_REAL_NODE, Map.class).get("nodeSelector")),
        "--set-json", "tolerations=" + Serialization.asJson(Serialization.unmarshal(ON_REAL_NODE, Map.class).get("tolerations")),
        "--wait", "--timeout", "5m"));
    run(command, Duration.ofMinutes(6));
  }

  @Test
  void theOperatorInstalledByHelmHoldsTheLeaseAndRunsADatabaseThatPatroniLeads() throws Exception {
    Pod operator = await().atMost(Duration.ofMinutes(2)).until(
        () -> client.pods().inNamespace(operatorNs).list().getItems().stream().filter(Readiness::isPodReady).findFirst(),
        java.util.Optional::isPresent).orElseThrow();
    assertThat(operator.getSpec().getNodeName()).isEqualTo("real-node");
    Lease lease = await().atMost(Duration.ofMinutes(1)).until(
        () -> client.leases().inNamespace(operatorNs).withName(OperatorSettings.LEASE_NAME).get(),
        l -> l != null && l.getSpec().getHolderIdentity() != null);
    assertThat(lease.getSpec().getHolderIdentity()).startsWith(operator.getMetadata().getName());

    // The sample as run-local.sh puts it on the real node.
    TradingDatabase db = Serialization.unmarshal(Files.readString(PROJECT.resolve("samples/tradingdatabase-development.yaml")),
        TradingDatabase.class);
    TradingDatabase patch = Serialization.unmarshal(Files.readString(PROJECT.resolve("testenv/real-pods-patch.json")),
        TradingDatabase.class);
    db.getMetadata().setNamespace(ns);
    db.getSpec().setImage(patch.getSpec().getImage());
    db.getSpec().setImagePullPolicy(patch.getSpec().getImagePullPolicy());
    db.getSpec().setScheduling(patch.getSpec().getScheduling());
    db.getSpec().setStorage(patch.getSpec().getStorage());
    db.getSpec().setMonitoring(patch.getSpec().getMonitoring());
    assertThat(db.getSpec().getImage()).isEqualTo(TIMESCALEDB_IMAGE);
    client.resource(db).create();
    String name = db.getMetadata().getName();

    // Patroni, not the test, labels the leader; the operator reports Ready only then.
    Pod primary = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).until(
        () -> client.pods().inNamespace(ns).withName(name + "-0").get(),
        p -> p != null && "primary".equals(p.getMetadata().getLabels().get("role")) && Readiness.isPodReady(p));
    assertThat(primary.getSpec().getNodeName()).isEqualTo("real-node");
    await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(
        client.resources(TradingDatabase.class).inNamespace(ns).withName(name).get().getStatus().getPhase())
        .hasToString("Ready"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        client.resources(EndpointSlice.class).inNamespace(ns).withLabel("kubernetes.io/service-name", name + "-rw")
            .list().getItems().stream().flatMap(s -> s.getEndpoints().stream())
            .flatMap(e -> e.getAddresses().stream()).toList())
        .containsExactly(primary.getStatus().getPodIP()));

    // psql from this machine to the -rw ClusterIP; verify-full checks the certificate against the
    // Service's DNS name, which hostaddr keeps away from the machine's resolver.
    String clusterIp = client.services().inNamespace(ns).withName(name + "-rw").get().getSpec().getClusterIP();
    Path ca = Files.createTempFile("tradingdb-ca", ".crt");
    Files.write(ca, decode(client.secrets().inNamespace(ns).withName(name + "-ca").get(), "ca.crt"));
    Secret superuser = client.secrets().inNamespace(ns).withName(name + "-superuser").get();
    Path pgpass = Files.createTempFile("tradingdb-pgpass", "");
    String user = new String(decode(superuser, "username"), StandardCharsets.UTF_8);
    Files.writeString(pgpass, "*:*:*:" + user + ":" + new String(decode(superuser, "password"), StandardCharsets.UTF_8) + "\n");
    String host = name + "-rw." + ns + ".svc";
    String sql = "CREATE EXTENSION IF NOT EXISTS timescaledb; "
        + "CREATE TABLE ticks (time timestamptz NOT NULL, symbol text, price numeric); "
        + "SELECT created FROM create_hypertable('ticks', by_range('time')); "
        + "SELECT hypertable_name FROM timescaledb_information.hypertables; "
        + "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb';";
    String out;
    try {
      out = run(List.of("env", "PGPASSFILE=" + pgpass, "psql", "-X", "-v", "ON_ERROR_STOP=1", "-At",
          "host=" + host + " hostaddr=" + clusterIp + " port=5432 dbname=" + db.getSpec().getDatabaseName()
              + " user=" + user + " sslmode=verify-full sslrootcert=" + ca,
          "-c", sql), Duration.ofMinutes(1));
    } finally {
      Files.delete(pgpass);
    }
    assertThat(out.lines().toList()).containsSequence("t", "ticks", "2.29.2");
  }

  static byte[] decode(Secret secret, String key) {
    return Base64.getDecoder().decode(secret.getData().get(key));
  }

  /** A path that testenv/build-binaries.sh prints (it reuses the cached binaries in a second). */
  static String binary(String variable) throws Exception {
    String out = run(List.of(PROJECT.resolve("testenv/build-binaries.sh").toString()), Duration.ofMinutes(30));
    return out.lines().filter(l -> l.startsWith(variable + "=")).findFirst().orElseThrow()
        .substring(variable.length() + 1);
  }

  static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    Path log = Files.createTempFile("real-node-it", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
    assertThat(p.exitValue()).as("%s failed:%n%s%s", String.join(" ", command.subList(0, Math.min(2, command.size()))), out,
        Files.readString(log)).isZero();
    return out;
  }
}
