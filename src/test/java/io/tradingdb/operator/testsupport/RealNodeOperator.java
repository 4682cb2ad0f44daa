package io.tradingdb.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
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

/**
 * The README's install on the real node: the operator image around the jar this build packaged,
 * imported into the node's containerd, and `helm install` of helm/tradingdb-operator with it.
 */
public final class RealNodeOperator {

  public static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  public static final String OPERATOR_IMAGE = "localhost/tradingdb/tradingdb-operator";
  public static final String TIMESCALEDB_IMAGE = "localhost/tradingdb/timescaledb-ha:pg17";
  public static final String ON_REAL_NODE = """
      {"nodeSelector": {"kubernetes.io/hostname": "real-node"},
       "tolerations": [{"key": "tradingdb.io/real-node", "operator": "Exists", "effect": "NoSchedule"}]}""";
  /** Namespace labels: Pod Security `restricted` enforced, as the real-node tests run everything. */
  public static final Map<String, String> RESTRICTED = Map.of(
      "pod-security.kubernetes.io/enforce", "restricted",
      "pod-security.kubernetes.io/enforce-version", "latest");
  /** What run-local.sh changes in a sample so it runs on the real node with the stand-in images. */
  public static final Path REAL_PODS_PATCH = PROJECT.resolve("testenv/real-pods-patch.json");

  private RealNodeOperator() {}

  public static Path kubeconfig() {
    return Path.of(System.getenv("TRADINGDB_TEST_KUBECONFIG"));
  }

  /** Builds (or reuses) the operator image, imports it and installs the chart watching {@code watched}. */
  public static void helmInstall(String release, String operatorNs, String... watched) throws Exception {
    Path socket = kubeconfig().getParent().resolve("node/containerd.sock");
    String built = run(List.of(PROJECT.resolve("testenv/images/build.sh").toString(), "--import", socket.toString(),
        "operator"), Duration.ofMinutes(15));
    String ref = built.strip().lines().reduce((a, b) -> b).orElseThrow().split("\t")[0];
    assertThat(ref).startsWith(OPERATOR_IMAGE + ":");
    Map<?, ?> onRealNode = Serialization.unmarshal(ON_REAL_NODE, Map.class);
    List<String> command = new ArrayList<>(List.of(binary("HELM_BIN"), "install", release,
        PROJECT.resolve("helm/tradingdb-operator").toString(),
        "--kubeconfig", kubeconfig().toString(), "--namespace", operatorNs,
        "--set", "image.repository=" + OPERATOR_IMAGE, "--set", "image.tag=" + ref.substring(ref.indexOf(':') + 1),
        "--set", "replicaCount=1", "--set", "watchNamespaces={" + String.join(",", watched) + "}",
        "--set-json", "nodeSelector=" + Serialization.asJson(onRealNode.get("nodeSelector")),
        "--set-json", "tolerations=" + Serialization.asJson(onRealNode.get("tolerations")),
        "--wait", "--timeout", "5m"));
    run(command, Duration.ofMinutes(6));
  }

  /**
   * The operator as the README installs it: its own namespace, a namespace of databases it watches
   * (both enforcing Pod Security `restricted`), and `helm install` of the chart. {@link #close}
   * deletes the databases' namespace while the operator still runs to clear its finalizers, then
   * uninstalls the chart, so the next real-node test gets the node's cores back.
   */
  public record Installation(KubernetesClient client, String release, String operatorNamespace, String namespace)
      implements AutoCloseable {

    public static Installation install(KubernetesClient client, String operatorPrefix, String namespacePrefix)
        throws Exception {
      String operatorNs = RealCluster.createNamespace(client, operatorPrefix, RESTRICTED);
      String ns = RealCluster.createNamespace(client, namespacePrefix, RESTRICTED);
      helmInstall("tdb", operatorNs, ns);
      return new Installation(client, "tdb", operatorNs, ns);
    }

    @Override
    public void close() throws Exception {
      try {
        deleteNamespace(client, namespace, operatorNamespace);
        // What the operator met while the namespace went (for instance 403 once its RoleBinding there was gone).
        operatorLog(client, operatorNamespace, l -> l.contains(namespace) && (l.contains("DbUser") || l.contains("orbidden")))
            .stream().limit(20).forEach(l -> System.out.println("operator: " + logMessage(l)));
      } finally {
        helmUninstall(release, operatorNamespace);
        client.namespaces().withName(operatorNamespace).delete();
      }
    }
  }

  /** Deletes a namespace and waits while the operator still runs to clear its finalizers. */
  public static void deleteNamespace(KubernetesClient client, String namespace) {
    deleteNamespace(client, namespace, null);
  }

  /**
   * Deletes a namespace and waits up to 5 minutes; if it is still there, fails with what holds it:
   * the namespace's own conditions, the objects left with their finalizers, and the operator's log.
   */
  public static void deleteNamespace(KubernetesClient client, String namespace, String operatorNamespace) {
    long started = System.nanoTime();
    client.namespaces().withName(namespace).delete();
    try {
      client.namespaces().withName(namespace).waitUntilCondition(java.util.Objects::isNull, 5, TimeUnit.MINUTES);
      System.out.printf("namespace %s deleted in %.1f s%n", namespace, (System.nanoTime() - started) / 1e9);
    } catch (io.fabric8.kubernetes.client.KubernetesClientTimeoutException e) {
      throw new AssertionError("namespace " + namespace + " not deleted within 5 minutes:\n"
          + stuckNamespaceReport(client, namespace, operatorNamespace), e);
    }
  }

  static String stuckNamespaceReport(KubernetesClient client, String namespace, String operatorNamespace) {
    StringBuilder report = new StringBuilder();
    try {
      var ns = client.namespaces().withName(namespace).get();
      if (ns != null && ns.getStatus() != null && ns.getStatus().getConditions() != null) {
        ns.getStatus().getConditions().forEach(c -> report.append("  condition ").append(c.getType()).append('=')
            .append(c.getStatus()).append(": ").append(c.getMessage()).append('\n'));
      }
      List<io.fabric8.kubernetes.api.model.HasMetadata> left = new ArrayList<>();
      left.addAll(client.resources(io.tradingdb.operator.api.v1alpha1.dbuser.DbUser.class).inNamespace(namespace).list().getItems());
      left.addAll(client.resources(TradingDatabase.class).inNamespace(namespace).list().getItems());
      left.addAll(client.resources(io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule.class)
          .inNamespace(namespace).list().getItems());
      left.addAll(client.pods().inNamespace(namespace).list().getItems());
      left.addAll(client.persistentVolumeClaims().inNamespace(namespace).list().getItems());
      for (var o : left) {
        report.append("  ").append(o.getKind()).append(' ').append(o.getMetadata().getName())
            .append(" finalizers=").append(o.getMetadata().getFinalizers())
            .append(" deletionTimestamp=").append(o.getMetadata().getDeletionTimestamp());
        if (o instanceof io.fabric8.kubernetes.api.model.Pod pod && pod.getStatus() != null) {
          report.append(" phase=").append(pod.getStatus().getPhase());
        }
        report.append('\n');
      }
      client.v1().events().inNamespace(namespace).list().getItems().stream()
          .filter(ev -> "DbUser".equals(ev.getInvolvedObject().getKind()))
          .forEach(ev -> report.append("  event ").append(ev.getInvolvedObject().getName()).append(' ')
              .append(ev.getReason()).append(" x").append(ev.getCount()).append(": ").append(ev.getMessage())
              .append('\n'));
      if (operatorNamespace != null) {
        List<String> lines = operatorLog(client, operatorNamespace, l -> l.contains(namespace) || l.contains("ERROR"));
        report.append("  operator log (").append(lines.size()).append(" lines naming the namespace or ERROR, last 40):\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> report.append("    ").append(logMessage(l)).append('\n'));
      }
    } catch (RuntimeException e) {
      report.append("  (report incomplete: ").append(e).append(")\n");
    }
    return report.toString();
  }

  /** A log line's level, logger and message when it is the operator's JSON, else the line; at most 400 characters. */
  public static String logMessage(String line) {
    var json = java.util.regex.Pattern.compile(
        "\"level\":\"([A-Z]+)\".*?\"loggerName\":\"[a-z.]*?([A-Za-z]+)\".*?\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"")
        .matcher(line);
    String shown = line;
    if (json.find()) {
      // The JSON layout writes the message's template; its arguments follow.
      int arguments = line.indexOf("\"arguments\":", json.end());
      shown = json.group(1) + " " + json.group(2) + ": " + json.group(3)
          + (arguments < 0 ? "" : " " + line.substring(arguments + 12));
    }
    return shown.substring(0, Math.min(shown.length(), 400));
  }

  /** The lines of the operator pods' logs (the last 5000 of each) that {@code keep} accepts. */
  public static List<String> operatorLog(KubernetesClient client, String operatorNamespace,
      java.util.function.Predicate<String> keep) {
    List<String> lines = new ArrayList<>();
    for (var pod : client.pods().inNamespace(operatorNamespace).list().getItems()) {
      String log = client.pods().inNamespace(operatorNamespace).withName(pod.getMetadata().getName())
          .tailingLines(5000).getLog();
      log.lines().filter(keep).forEach(lines::add);
    }
    return lines;
  }

  public static void helmUninstall(String release, String operatorNs) throws Exception {
    run(List.of(binary("HELM_BIN"), "uninstall", release, "--kubeconfig", kubeconfig().toString(),
        "--namespace", operatorNs, "--wait", "--timeout", "3m"), Duration.ofMinutes(4));
  }

  /**
   * A sample as it runs on the real node: its own fields, then run-local.sh's patch, then the
   * test's overlay, each merged into the previous one (JSON merge: nested objects merge).
   */
  public static TradingDatabase sample(String file, String namespace, String overlayJson) throws IOException {
    ObjectMapper merging = Serialization.jsonMapper().copy().setDefaultMergeable(true);
    TradingDatabase db = Serialization.unmarshal(Files.readString(PROJECT.resolve("samples").resolve(file)),
        TradingDatabase.class);
    merging.readerForUpdating(db).readValue(Files.readString(REAL_PODS_PATCH));
    if (overlayJson != null) {
      merging.readerForUpdating(db).readValue(overlayJson);
    }
    db.getMetadata().setNamespace(namespace);
    return db;
  }

  public static byte[] decode(Secret secret, String key) {
    return Base64.getDecoder().decode(secret.getData().get(key));
  }

  public static String decodeString(Secret secret, String key) {
    return new String(decode(secret, key), StandardCharsets.UTF_8);
  }

  /**
   * A JDBC connection through a cluster's Service right after the cluster reported Ready. The
   * EndpointSlice controller and then kube-proxy route a Service on their own time, and until then the
   * node refuses the connection (CI saw it: "Connection to 198.19.171.69:5432 refused" 12 s after
   * apply). So a refused connection is tried again for up to {@code within}, as a client that waits for
   * Ready and then connects should; any other error fails at once.
   */
  public static java.sql.Connection connectThroughService(String url, String user, String password, Duration within)
      throws java.sql.SQLException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return java.sql.DriverManager.getConnection(url, user, password);
      } catch (java.sql.SQLException e) {
        // 08001: the server could not be reached (here: refused while the Service is not routed yet).
        if (!"08001".equals(e.getSQLState()) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /** A path that testenv/build-binaries.sh prints (it reuses the cached binaries in a second). */
  public static String binary(String variable) throws Exception {
    String out = run(List.of(PROJECT.resolve("testenv/build-binaries.sh").toString()), Duration.ofMinutes(30));
    return out.lines().filter(l -> l.startsWith(variable + "=")).findFirst().orElseThrow()
        .substring(variable.length() + 1);
  }

  public static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    return run(command, Map.of(), timeout);
  }

  /** Runs {@code command} with extra environment (passwords go there, never on the command line). */
  public static String run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Process.Result r = Process.run(command, env, timeout);
    assertThat(r.exit()).as("%s failed:%n%s%s", String.join(" ", command.subList(0, Math.min(2, command.size()))),
        r.out(), r.err()).isZero();
    return r.out();
  }

  /** A finished command: exit code, stdout, stderr. */
  public static final class Process {
    public record Result(int exit, String out, String err) {}

    private Process() {}

    public static Result run(List<String> command, Map<String, String> env, Duration timeout)
        throws IOException, InterruptedException {
      Path log = Files.createTempFile("real-node-it", ".log");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().putAll(env);
        java.lang.Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(command.get(0) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), out, Files.readString(log));
      } finally {
        Files.delete(log);
      }
    }
  }
}
