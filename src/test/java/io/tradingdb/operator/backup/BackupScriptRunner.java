package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts exactly as the Job does: the ConfigMap's files written to a folder, the
 * container's command and environment from the built Job, Secret references resolved from test
 * values. Only the folders the pod would mount (scripts, scratch, termination log, volume) move
 * to temp folders.
 */
public final class BackupScriptRunner {

  /** Debian's tools only (the Debian awscli, not one a developer installed elsewhere). */
  static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Map<String, Map<String, String>> secrets;
  private final String user;

  public BackupScriptRunner(Path root, Map<String, Map<String, String>> secrets) {
    this(root, secrets, null);
  }

  /** Runs the scripts as {@code user} (through runuser, so the tests must run as root), owning {@code root}. */
  BackupScriptRunner(Path root, Map<String, Map<String, String>> secrets, String user) {
    this.root = root;
    this.secrets = secrets;
    this.user = user;
    for (String tool : List.of("pg_dump", "pg_restore", "psql", "aws", "rclone", "jq", "pigz", "zstd", "lz4", "gzip", "sha256sum")) {
      assertThat(Path.of("/usr/bin", tool))
          .as("%s is needed (Debian packages: postgresql-client awscli rclone jq pigz zstd lz4)", tool)
          .isExecutable();
    }
  }

  /** What one script run printed and returned. */
  public record Run(int exitCode, String stdout, String stderr, JsonNode result, String terminationMessage) {
    public boolean succeeded() {
      return exitCode == 0 && result != null && "Succeeded".equals(result.path("result").asText());
    }

    String reason() {
      return result == null ? null : result.path("reason").asText(null);
    }
  }

  /** Where this machine keeps what a pod would mount under RepositoryStorage.CA_ROOT (storage/ca.crt, copy-1/ca.crt, ...). */
  public Path caFolder() {
    return root.resolve("s3-ca");
  }

  /** Runs the container of {@code job} with extra (or replaced) variables. */
  public Run run(Container container, BackupModel model, Map<String, String> overrides) throws Exception {
    Path scripts = Files.createDirectories(root.resolve("scripts-" + System.nanoTime()));
    for (Map.Entry<String, String> file : BackupScripts.files(model).entrySet()) {
      Files.writeString(scripts.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
    Path scratch = Files.createDirectories(root.resolve("scratch-" + System.nanoTime()));
    Path terminationLog = root.resolve("termination-" + System.nanoTime());

    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH);
    env.put("LANG", "C.UTF-8");
    env.putAll(ContainerEnv.resolve(container.getEnv(), secrets));
    // Files the pod reads from the scripts ConfigMap (pgBackRest's config) are in the scripts folder here.
    env.replaceAll((name, value) -> value.replace(BackupWorkloads.SCRIPTS_DIR, scripts.toString()));
    env.put("BACKUP_SCRATCH", scratch.toString());
    env.put("BACKUP_SQL_DIR", scripts.toString());
    env.put("TERMINATION_LOG", terminationLog.toString());
    // Storage CAs the pod mounts from Secrets are files under caFolder() here (the test writes them).
    env.replaceAll((name, value) -> value.replace(io.tradingdb.operator.pgbackrest.RepositoryStorage.CA_ROOT, caFolder().toString()));
    if (env.containsKey("PVC_PATH")) {
      env.put("PVC_PATH", env.get("PVC_PATH").replace(BackupWorkloads.STORAGE_MOUNT, root.resolve("volume").toString()));
    }
    env.putAll(overrides);

    List<String> command = container.getCommand().stream()
        .map(arg -> arg.replace(BackupWorkloads.SCRIPTS_DIR, scripts.toString()))
        .toList();
    if (user != null) {
      List<String> asUser = new java.util.ArrayList<>(List.of("runuser", "-u", user, "--"));
      asUser.addAll(command);
      command = asUser;
      Process chown = new ProcessBuilder("chown", "-R", user, root.toString()).inheritIO().start();
      assertThat(chown.waitFor()).isZero();
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    Path out = root.resolve("out-" + System.nanoTime());
    Path err = root.resolve("err-" + System.nanoTime());
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(20, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("script did not finish in 20 minutes");
    }
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    JsonNode result = null;
    for (String line : stdout.split("\n")) {
      if (line.startsWith("TRADINGDB_RESULT ")) {
        result = JSON.readTree(line.substring("TRADINGDB_RESULT ".length()));
      }
    }
    String termination = Files.exists(terminationLog) ? Files.readString(terminationLog) : null;
    return new Run(process.exitValue(), stdout, stderr, result, termination);
  }

  /** The test values the Secret references resolve to, by Secret name. */
  Map<String, Map<String, String>> secrets() {
    return secrets;
  }

  Path volume() throws IOException {
    return Files.createDirectories(root.resolve("volume"));
  }
}
