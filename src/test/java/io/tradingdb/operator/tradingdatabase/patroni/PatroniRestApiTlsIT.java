package io.tradingdb.operator.tradingdatabase.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.workload.ClusterTls;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.workload.PatroniCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real Patroni members (Debian's Patroni and PostgreSQL on this machine, the Kubernetes DCS on
 * the test control plane, kwok pods standing in for theirs) with the rendered TLS restapi and ctl
 * sections and an operator-issued certificate: the operator's client reads and patches over HTTPS,
 * plain HTTP and other clusters' trust are refused, and a switchover works, which needs the leader
 * to reach the candidate's REST API over HTTPS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniRestApiTlsIT {

  static final String PGBIN = "/usr/lib/postgresql/15/bin";
  static final ObjectMapper YAML = new YAMLMapper();

  KubernetesClient client;
  String namespace;
  ClusterModel model;
  Path dir;
  Path tlsDir;
  final String restApiPassword = Passwords.generate();
  final List<Member> members = new ArrayList<>();
  PatroniClient.Tls tls;
  PatroniClient.Login login;
  final PatroniClient root = new PatroniClient();

  record Member(String name, int pgPort, int restPort, Path dir, Process process) {
    String base(boolean https) {
      return PatroniClient.base(https, "127.0.0.1", restPort);
    }
  }

  @BeforeAll
  void start() throws Exception {
    assertThat(Path.of("/usr/bin/patroni")).as("Debian package patroni is needed").isExecutable();
    client = RealCluster.client();
    namespace = RealCluster.createNamespace(client, "patroni-tls", Map.of());
    TradingDatabase db = Samples.tradingDatabase(namespace, "market");
    model = ClusterModel.from(db);
    assertThat(model.patroni().restApiTls()).isTrue();
    dir = Files.createTempDirectory("patroni-tls");
    tlsDir = Files.createDirectories(dir.resolve("tls"));
    // The operator's CA and server certificate, with the SANs the operator issues.
    var ca = CertificateAuthority.newCa(model.names().cluster() + "-ca", Instant.now());
    var server = CertificateAuthority.issueServer(ca, ClusterTls.dnsNames(model.names()), Instant.now());
    Files.writeString(tlsDir.resolve("ca.crt"), ca.certificate());
    Files.writeString(tlsDir.resolve("tls.crt"), server.certificate());
    Files.writeString(tlsDir.resolve("tls.key"), server.privateKey());
    ClusterNames n = model.names();
    tls = new PatroniClient.Tls(ca.certificate(), n.headlessService() + "." + namespace + ".svc");
    login = new PatroniClient.Login("patroni", restApiPassword);
    members.add(launch(n.statefulSet() + "-0"));
    await("member 0 leads", () -> List.of("master", "primary").contains(api().member(members.get(0).base(true)).get("role")));
    members.add(launch(n.statefulSet() + "-1"));
    await("member 1 streams", () -> api().cluster(members.get(0).base(true)).stream()
        // Debian's Patroni 3.0.2 says "running" for a streaming replica; later versions say "streaming".
        .anyMatch(m -> m.name().equals(members.get(1).name()) && !m.leader()
            && List.of("running", "streaming").contains(m.state())));
  }

  PatroniClient api() {
    return root.forCluster(tls);
  }

  @Test
  @Order(1)
  void theOperatorsClientReadsAndPatchesOverHttps() {
    PatroniClient api = api();
    String base = members.get(0).base(true);
    assertThat(api.member(base).get("state")).isEqualTo("running");
    assertThat(api.cluster(base)).extracting(io.tradingdb.operator.tradingdatabase.patroni.Member::apiBase)
        .as("each member advertises https").allMatch(url -> url.startsWith("https://127.0.0.1:"));
    api.patchConfig(base, login, Map.of("postgresql", Map.of("parameters", Map.of("work_mem", "7MB"))));
    assertThat(ParameterPlan.parametersOf(api.config(base))).containsEntry("work_mem", "7MB");
    assertThatThrownBy(() -> api.patchConfig(base, new PatroniClient.Login("patroni", "wrong"), Map.of("ttl", 30)))
        .isInstanceOf(PatroniClient.PatroniException.class).hasMessageContaining("401");
  }

  @Test
  @Order(2)
  void plainHttpAndOtherTrustAreRefused() {
    assertThatThrownBy(() -> root.member(members.get(0).base(false))).as("plain HTTP")
        .isInstanceOf(PatroniClient.PatroniException.class);
    assertThatThrownBy(() -> root.member(members.get(0).base(true))).as("the JVM's trust store")
        .isInstanceOf(PatroniClient.PatroniException.class);
    PatroniClient other = root.forCluster(new PatroniClient.Tls(tls.caPem(), "risk-pods." + namespace + ".svc"));
    assertThatThrownBy(() -> other.member(members.get(0).base(true))).as("another cluster's names")
        .isInstanceOf(PatroniClient.PatroniException.class);
  }

  @Test
  @Order(3)
  void aSwitchoverWorksBecauseTheMembersTalkHttpsToEachOther() throws Exception {
    PatroniClient api = api();
    String leader = members.get(0).name();
    String candidate = members.get(1).name();
    api.switchover(members.get(0).base(true), login, leader, candidate);
    await("member 1 leads", () -> List.of("master", "primary").contains(api.member(members.get(1).base(true)).get("role")));
    await("member 0 follows", () -> {
      Map<String, Object> old = api.member(members.get(0).base(true));
      return "replica".equals(old.get("role")) && "running".equals(old.get("state"));
    });
    // patronictl reads the ctl section: its REST API call (restart) goes over HTTPS too.
    Process ctl = asPostgres(env(members.get(0)), dir.resolve("patronictl.log"),
        "patronictl", "-c", members.get(0).dir().resolve("etc").toString(),
        "restart", model.names().cluster(), leader, "--force");
    assertThat(ctl.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("patronictl.log"));
    assertThat(ctl.exitValue()).as(out).isZero();
    assertThat(out).as(out).contains("Success: restart on member " + leader);
  }

  private Member launch(String name) throws Exception {
    int pgPort = freePort();
    int restPort = freePort();
    Path memberDir = Files.createDirectories(dir.resolve(name));
    Path etc = Files.createDirectories(memberDir.resolve("etc"));
    Path socket = Files.createDirectories(memberDir.resolve("socket"));
    var sts = ClusterStatefulSet.build(model, "test", Map.of());
    client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("timescale/timescaledb-ha:pg16").endContainer()
        .endSpec().build()).create();
    for (Map.Entry<String, String> file : PatroniConfigMap.configMap(model).getData().entrySet()) {
      String text = paths(file.getValue(), etc);
      if (file.getKey().equals(PatroniConfigMap.BOOTSTRAP_SQL_FILE)) {
        text = text.replace("CREATE EXTENSION IF NOT EXISTS timescaledb;\n", "");
      }
      Files.writeString(etc.resolve(file.getKey()), text);
    }
    Files.writeString(etc.resolve(PatroniConfigMap.CONFIG_FILE), YAML.writeValueAsString(patroniYaml(etc, memberDir, socket,
        pgPort, restPort)));
    Files.writeString(etc.resolve(PatroniCredentials.FILE), PatroniCredentials.file(new PatroniCredentials.Logins(
        "postgres", "superuser-" + restApiPassword, "replication-" + restApiPassword, restApiPassword)));
    Files.copy(Path.of(System.getenv("TRADINGDB_TEST_KUBECONFIG")), memberDir.resolve("kubeconfig"));
    run("chown", "-R", "postgres:postgres", dir.toString());
    run("chmod", "-R", "go-rwx", dir.toString());
    Member member = new Member(name, pgPort, restPort, memberDir, null);
    Process p = asPostgres(env(member), memberDir.resolve("patroni.log"), "patroni", etc.toString());
    return new Member(name, pgPort, restPort, memberDir, p);
  }

  private String paths(String text, Path etc) {
    return text.replace(PatroniConfigMap.TLS_MOUNT, tlsDir.toString()).replace(PatroniConfigMap.MOUNT_PATH, etc.toString());
  }

  /** The rendered patroni.yaml, with this machine's ports and folders; restapi keeps its TLS files. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> patroniYaml(Path etc, Path memberDir, Path socket, int pgPort, int restPort) throws IOException {
    Map<String, Object> doc = YAML.readValue(paths(PatroniConfigMap.configMap(model).getData()
        .get(PatroniConfigMap.CONFIG_FILE), etc), Map.class);
    ((Map<String, Object>) doc.get("kubernetes")).put("context", "tradingdb-testenv");
    Map<String, Object> restapi = new LinkedHashMap<>((Map<String, Object>) doc.get("restapi"));
    assertThat(restapi).containsKeys("certfile", "keyfile", "cafile");
    restapi.put("listen", "127.0.0.1:" + restPort);
    doc.put("restapi", restapi);
    assertThat((Map<String, Object>) doc.get("ctl")).containsEntry("insecure", true);
    Map<String, Object> postgresql = (Map<String, Object>) doc.get("postgresql");
    postgresql.put("listen", "127.0.0.1:" + pgPort);
    postgresql.put("data_dir", memberDir.resolve("data").toString());
    postgresql.put("pgpass", memberDir.resolve("pgpass").toString());
    postgresql.put("bin_dir", PGBIN);
    // Only to save time here: the replica's pg_basebackup otherwise waits for a spread checkpoint (about 100 s).
    postgresql.put("basebackup", List.of(Map.of("checkpoint", "fast")));
    Map<String, Object> dcsPostgres = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("bootstrap"))
        .get("dcs")).get("postgresql");
    for (Map<String, Object> parameters : List.of((Map<String, Object>) postgresql.get("parameters"),
        (Map<String, Object>) dcsPostgres.get("parameters"))) {
      parameters.put("unix_socket_directories", socket.toString());
      parameters.put("shared_preload_libraries", "pg_stat_statements");
    }
    return doc;
  }

  private Map<String, String> env(Member m) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATRONI_NAME", m.name());
    env.put("PATRONI_KUBERNETES_NAMESPACE", namespace);
    env.put("PATRONI_KUBERNETES_POD_IP", "127.0.0.1");
    env.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "127.0.0.1:" + m.pgPort());
    env.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "127.0.0.1:" + m.restPort());
    env.put("PGDATA", m.dir().resolve("data").toString());
    env.put("KUBECONFIG", m.dir().resolve("kubeconfig").toString());
    return env;
  }

  @AfterAll
  void stop() throws Exception {
    for (Member m : members) {
      m.process().destroy();
      if (!m.process().waitFor(60, TimeUnit.SECONDS)) {
        m.process().destroyForcibly();
      }
      Path data = m.dir().resolve("data");
      if (Files.exists(data.resolve("postmaster.pid"))) {
        asPostgres(Map.of(), dir.resolve("stop.log"), PGBIN + "/pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop")
            .waitFor(60, TimeUnit.SECONDS);
      }
    }
    if (client != null && namespace != null) {
      client.namespaces().withName(namespace).delete();
    }
    if (dir != null && !Boolean.getBoolean("patroni.keep")) {
      run("rm", "-rf", dir.toString());
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private void await(String what, Check check) throws Exception {
    Exception last = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (Member m : members) {
        if (!m.process().isAlive()) {
          throw new AssertionError(m.name() + " exited:\n" + Files.readString(m.dir().resolve("patroni.log")));
        }
      }
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    StringBuilder logs = new StringBuilder();
    for (Member m : members) {
      logs.append("\n--- ").append(m.name()).append('\n').append(Files.readString(m.dir().resolve("patroni.log")));
    }
    throw new AssertionError("not within 120 s: " + what + " (last: " + last + ")" + logs);
  }

  private static Process asPostgres(Map<String, String> env, Path log, String... command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", "env"));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(List.of(command));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", command)).isTrue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
