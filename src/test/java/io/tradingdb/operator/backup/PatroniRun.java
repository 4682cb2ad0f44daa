package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.workload.ClusterServices;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.PgBackRestSamples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Patroni member of a new cluster started from a pgBackRest repository, as the StatefulSet
 * runs it, on this machine: Debian's Patroni and PostgreSQL, the Kubernetes DCS on the test
 * control plane, and a kwok pod standing in for the member's pod (Patroni labels it).
 */
final class PatroniRun {

  private static final ObjectMapper YAML = new YAMLMapper();
  /**
   * The leader's role label: "primary" as the generated leader_label_value asks, which Patroni 4
   * (in the timescaledb-ha images) honours; Debian's Patroni 3.0 knows no leader_label_value and
   * writes "master".
   */
  static final List<String> LEADER_LABELS = List.of("primary", "master");

  private final PgBackRestFlow flow;
  private final KubernetesClient client;
  private final String namespace;
  private final ClusterModel model;
  private final Path dir;
  private final Path socket;
  private final int port;
  private final int restPort;
  private final String superuserPassword = Passwords.generate();
  private Process patroni;

  private PatroniRun(PgBackRestFlow flow, KubernetesClient client, String namespace, ClusterModel model, Path dir,
      int port, int restPort) throws Exception {
    this.flow = flow;
    this.client = client;
    this.namespace = namespace;
    this.model = model;
    this.dir = dir;
    this.socket = Files.createDirectories(dir.resolve("socket"));
    this.port = port;
    this.restPort = restPort;
  }

  static PatroniRun start(PgBackRestFlow flow, String prefix) throws Exception {
    assertThat(Path.of("/usr/bin/patroni")).as("Debian package patroni is needed").isExecutable();
    KubernetesClient client = RealCluster.client();
    String namespace = RealCluster.createNamespace(client, prefix, Map.of());
    TradingDatabase db = Samples.tradingDatabase(namespace, "restored");
    TlsSpec tls = new TlsSpec();
    tls.setEnabled(false);
    db.getSpec().setTls(tls);
    db.getSpec().setBootstrap(PgBackRestSamples.pointInTime("market-data", flow.recoveryTarget, flow.repository()));
    ClusterModel model = ClusterModel.from(db);
    Path dir = Files.createDirectories(flow.base.resolve("patroni"));
    int port = flow.freePort(flow.pgPort() + 10);
    int restPort = flow.freePort(port + 1);
    PatroniRun run = new PatroniRun(flow, client, namespace, model, dir, port, restPort);
    run.launch();
    return run;
  }

  String member() {
    return model.names().statefulSet() + "-0";
  }

  private void launch() throws Exception {
    StatefulSet sts = ClusterStatefulSet.build(model, "test", Map.of());
    // The member's pod: Patroni's Kubernetes DCS reads and labels it. kwok "runs" it.
    Pod pod = new PodBuilder().withNewMetadata().withName(member()).withNamespace(namespace)
        .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("timescale/timescaledb-ha:pg16").endContainer()
        .endSpec().build();
    client.resource(pod).create();

    Path etc = Files.createDirectories(dir.resolve("etc"));
    Map<String, String> files = PatroniConfigMap.configMap(model).getData();
    for (Map.Entry<String, String> file : files.entrySet()) {
      String text = file.getValue().replace(PatroniConfigMap.MOUNT_PATH, etc.toString());
      if (file.getKey().equals(PatroniConfigMap.BOOTSTRAP_SQL_FILE)) {
        text = text.replace("CREATE EXTENSION IF NOT EXISTS timescaledb;\n", "");
      }
      Files.writeString(etc.resolve(file.getKey()), text);
    }
    Files.writeString(etc.resolve(PatroniConfigMap.CONFIG_FILE), YAML.writeValueAsString(patroniYaml(etc)));
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.copy(Path.of(System.getenv("TRADINGDB_TEST_KUBECONFIG")), kubeconfig);

    Container postgres = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, Map<String, String>> secrets = new LinkedHashMap<>(PgBackRestFlow.SECRETS);
    secrets.put(model.superuserSecret(), Map.of("username", "postgres", "password", superuserPassword));
    secrets.put(model.names().replicationSecret(), Map.of("username", "standby", "password", Passwords.generate(),
        "restapi-username", "patroni", "restapi-password", Passwords.generate()));
    Map<String, String> env = ContainerEnv.resolve(postgres.getEnv(), secrets);
    // The logins file the pod gets from its <name>-patroni-credentials Secret, in the same folder.
    Map<String, String> replication = secrets.get(model.names().replicationSecret());
    Files.writeString(etc.resolve(io.tradingdb.operator.tradingdatabase.workload.PatroniCredentials.FILE),
        io.tradingdb.operator.tradingdatabase.workload.PatroniCredentials.file(
            new io.tradingdb.operator.tradingdatabase.workload.PatroniCredentials.Logins(
                "postgres", superuserPassword, replication.get("password"), replication.get("restapi-password"))));
    // What the kubelet fills in from the pod, and this machine's folders.
    env.put("PATRONI_NAME", member());
    env.put("PATRONI_KUBERNETES_NAMESPACE", namespace);
    env.put("PATRONI_KUBERNETES_POD_IP", "127.0.0.1");
    env.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "127.0.0.1:" + port);
    env.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "127.0.0.1:" + restPort);
    env.put("PGDATA", dir.resolve("data").toString());
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("PGBACKREST_PG1_PATH", dir.resolve("data").toString());
    env.putAll(flow.workOverrides("patroni"));
    env.putAll(flow.repositoryOverrides());
    flow.run(Map.of(), "chown", "-R", "postgres:postgres", dir.toString());
    // The folder, as the pod's command has it: Patroni merges patroni.yaml and credentials.yaml.
    patroni = flow.startAsPostgres(env, dir.resolve("patroni.log"), "patroni", etc.toString());
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> patroniYaml(Path etc) throws Exception {
    Map<String, Object> doc = YAML.readValue(
        PatroniConfigMap.configMap(model).getData().get(PatroniConfigMap.CONFIG_FILE).replace(PatroniConfigMap.MOUNT_PATH, etc.toString()),
        Map.class);
    Map<String, Object> kubernetes = (Map<String, Object>) doc.get("kubernetes");
    kubernetes.put("context", "tradingdb-testenv");
    doc.put("restapi", new LinkedHashMap<>(Map.of("listen", "127.0.0.1:" + restPort)));
    Map<String, Object> postgresql = (Map<String, Object>) doc.get("postgresql");
    postgresql.put("listen", "127.0.0.1:" + port);
    postgresql.put("data_dir", dir.resolve("data").toString());
    postgresql.put("pgpass", dir.resolve("pgpass").toString());
    postgresql.put("bin_dir", PgBackRestFlow.POSTGRES_BIN);
    Map<String, Object> dcsPostgres = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("bootstrap"))
        .get("dcs")).get("postgresql");
    for (Map<String, Object> parameters : List.of((Map<String, Object>) postgresql.get("parameters"),
        (Map<String, Object>) dcsPostgres.get("parameters"))) {
      parameters.put("unix_socket_directories", socket.toString());
      parameters.put("shared_preload_libraries", "pg_stat_statements");
    }
    return doc;
  }

  /**
   * Bootstrap is over: the member holds the leader lock in the DCS and labels its pod primary
   * (what the operator reads as "primary up"), its REST API says so, and PostgreSQL accepts writes.
   */
  void awaitPrimary() throws Exception {
    for (int i = 0; i < 600; i++) {
      if (!patroni.isAlive()) {
        throw new AssertionError("patroni exited:\n" + Files.readString(dir.resolve("patroni.log")));
      }
      try {
        // Patroni 3.0 (Debian's) says "master" where later versions say "primary".
        if (member().equals(leaderConfigMapHolder()) && LEADER_LABELS.contains(roleLabel())
            && "f".equals(psql("SELECT pg_is_in_recovery()")) && List.of("master", "primary").contains(role())) {
          return;
        }
      } catch (AssertionError | Exception notYet) {
        // still restoring or replaying
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no primary after 120 s:\n" + Files.readString(dir.resolve("patroni.log")));
  }

  private String role() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var response = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + restPort + "/patroni")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body()).path("role").asText();
  }

  String psql(String sql) throws Exception {
    return flow.asPostgres(Map.of(), "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socket.toString(),
        "-p", Integer.toString(port), "-U", "postgres", "-d", "ai_trading", "-c", sql).trim();
  }

  /** Logs in over TCP with the password from the new cluster's Secret, which Patroni set after the restore. */
  String loginWithTheClustersOwnPassword() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/ai_trading",
        "postgres", superuserPassword); ResultSet rs = c.createStatement().executeQuery("SELECT current_database()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  String leaderConfigMapHolder() {
    var leader = client.configMaps().inNamespace(namespace).withName(model.names().patroniLeaderConfigMap()).get();
    return leader == null ? null : leader.getMetadata().getAnnotations().get("leader");
  }

  /** The namespace's ConfigMaps and their annotations, for a failure message. */
  String configMaps() {
    return client.configMaps().inNamespace(namespace).list().getItems().stream()
        .map(c -> c.getMetadata().getName() + c.getMetadata().getAnnotations()).toList().toString();
  }

  String roleLabel() {
    return client.pods().inNamespace(namespace).withName(member()).get().getMetadata().getLabels()
        .get(ClusterServices.ROLE_LABEL);
  }

  void stop() throws Exception {
    if (patroni != null) {
      patroni.destroy();
      if (!patroni.waitFor(60, TimeUnit.SECONDS)) {
        patroni.destroyForcibly();
      }
    }
    Path data = dir.resolve("data");
    if (Files.exists(data.resolve("postmaster.pid"))) {
      flow.asPostgres(Map.of(), PgBackRestFlow.POSTGRES_BIN + "/pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    }
    client.namespaces().withName(namespace).delete();
  }
}
