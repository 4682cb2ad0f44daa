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
import io.tradingdb.operator.testsupport.RealNodeOperator;
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
import org.junit.jupiter.api.AfterAll;
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

  static final String TIMESCALEDB_IMAGE = RealNodeOperator.TIMESCALEDB_IMAGE;

  static KubernetesClient client;
  static RealNodeOperator.Installation operator;
  static String operatorNs;
  static String ns;

  @BeforeAll
  static void install() throws Exception {
    client = RealCluster.client();
    operator = RealNodeOperator.Installation.install(client, "tradingdb-system", "real-db");
    operatorNs = operator.operatorNamespace();
    ns = operator.namespace();
  }

  @AfterAll
  static void uninstall() throws Exception {
    // The E2E suites after this one get the node's cores back.
    if (operator != null) {
      operator.close();
    }
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
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-development.yaml", ns, null);
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
    return RealNodeOperator.decode(secret, key);
  }

  static String run(List<String> command, Duration timeout) throws Exception {
    return RealNodeOperator.run(command, timeout);
  }
}
