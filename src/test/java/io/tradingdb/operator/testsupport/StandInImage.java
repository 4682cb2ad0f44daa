package io.tradingdb.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One image built by testenv/images/build.sh (cached there by recipe hash), unpacked under
 * target/ so a test can read its rootfs and OCI config, and run commands in it as a given uid:
 * chroot in private mount, network and pid namespaces, /dev and /proc as a runtime gives them,
 * tmpfs where the pod has an emptyDir. Needs root, as building the images does.
 */
public final class StandInImage {

  private static final Path PROJECT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  private static final Path UNPACKED = PROJECT.resolve("target/stand-in-images");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String ref;
  private final Path rootfs;
  private final JsonNode config;

  private StandInImage(String ref, Path rootfs, JsonNode config) {
    this.ref = ref;
    this.rootfs = rootfs;
    this.config = config;
  }

  /** What one command printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** Builds the image (a cache hit takes about a second) and unpacks it once per layer digest. */
  public static StandInImage build(String name) {
    assertThat(run(List.of("id", "-u")).output().strip())
        .as("building and running the stand-in images needs root (mmdebstrap, chroot)").isEqualTo("0");
    Path log = UNPACKED.resolve("build-" + name + ".log");
    Result built = run(List.of(PROJECT.resolve("testenv/images/build.sh").toString(), name), log);
    assertThat(built.exitCode()).as("testenv/images/build.sh %s, see %s", name, log).isZero();
    String line = built.output().strip();
    String ref = line.substring(0, line.indexOf('\t'));
    Path tar = Path.of(line.substring(line.indexOf('\t') + 1));
    try {
      Path layout = Files.createTempDirectory("stand-in-layout");
      try {
        check(run(List.of("tar", "-C", layout.toString(), "-xf", tar.toString())));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile());
        assertThat(manifest.get("layers")).as("one layer per stand-in image").hasSize(1);
        String layer = manifest.at("/layers/0/digest").asText();
        // One unpacked layer per image name: an older build's is removed.
        Path dir = UNPACKED.resolve(name).resolve(layer.substring("sha256:".length(), 23));
        Path rootfs = dir.resolve("rootfs");
        if (!Files.exists(dir.resolve(".complete"))) {
          check(run(List.of("rm", "-rf", dir.getParent().toString())));
          Files.createDirectories(rootfs);
          check(run(List.of("tar", "-C", rootfs.toString(), "--numeric-owner", "-xzf", blob(layout, layer).toString())));
          Files.createFile(dir.resolve(".complete"));
        }
        return new StandInImage(ref, rootfs, config.get("config"));
      } finally {
        run(List.of("rm", "-rf", layout.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String ref() { return ref; }

  public Path rootfs() { return rootfs; }

  /** The image's configured user, as written ("postgres", "999:999"). */
  public String user() { return config.path("User").asText(); }

  /** The uid the image's user resolves to in its own /etc/passwd. */
  public long uid() {
    String name = user().split(":")[0];
    if (name.matches("\\d+")) {
      return Long.parseLong(name);
    }
    return Long.parseLong(passwdEntry(name)[2]);
  }

  /** An /etc/passwd line of the rootfs, split at the colons. */
  public String[] passwdEntry(String name) {
    try {
      return Files.readAllLines(rootfs.resolve("etc/passwd")).stream()
          .map(l -> l.split(":", -1)).filter(f -> f[0].equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no user " + name + " in " + ref));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    config.path("Env").forEach(e -> {
      String kv = e.asText();
      env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    });
    return env;
  }

  public List<String> entrypoint() {
    List<String> out = new ArrayList<>();
    config.path("Entrypoint").forEach(e -> out.add(e.asText()));
    return out;
  }

  public List<Integer> exposedPorts() {
    List<Integer> ports = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(p -> ports.add(Integer.parseInt(p.split("/")[0])));
    return ports;
  }

  /** Writes a file into the rootfs, as a volume mount would put it there. */
  public void write(String path, String content) {
    try {
      Path file = rootfs.resolve(path.substring(1));
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      file.toFile().setReadable(true, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code command} as uid:gid with the image's environment plus {@code env}, with a tmpfs on
   * each of {@code emptyDirs} (world-writable, standing in for fsGroup), the rest of the root
   * read-only when {@code readOnlyRoot}, stopped after {@code seconds} (exit code 124 then).
   */
  public Result exec(long uid, long gid, Map<String, String> env, List<String> emptyDirs, boolean readOnlyRoot,
      int seconds, List<String> command) {
    Map<String, String> all = new LinkedHashMap<>(env());
    all.putAll(env);
    StringBuilder mountPoints = new StringBuilder("mkdir -p \"$root/dev\" \"$root/proc\"");
    StringBuilder mounts = new StringBuilder();
    if (readOnlyRoot) {
      mounts.append(" && mount --bind \"$root\" \"$root\" && mount -o remount,bind,ro \"$root\"");
    }
    mounts.append(" && mount --rbind /dev \"$root/dev\" && mount -t proc proc \"$root/proc\"");
    for (String dir : emptyDirs) {
      mountPoints.append(" \"$root").append(dir).append('"');
      mounts.append(" && mount -t tmpfs -o mode=1777 tmpfs \"$root").append(dir).append('"');
    }
    List<String> cmd = new ArrayList<>(List.of("timeout", "--kill-after=5", Integer.toString(seconds),
        "unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "sh", "-c",
        "root=$1 user=$2; shift 2; " + mountPoints + mounts
            + " && exec chroot --userspec=\"$user\" \"$root\" /usr/bin/env -i \"$@\"",
        "sh", rootfs.toString(), uid + ":" + gid));
    all.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(command);
    return run(cmd);
  }

  /** {@link #exec} with no extra environment or mounts and a one-minute limit. */
  public Result exec(long uid, long gid, String... command) {
    return exec(uid, gid, Map.of(), List.of(), false, 60, List.of(command));
  }

  /** Where the container mounts the pod's emptyDir volumes: {@link #exec} puts a tmpfs there. */
  public static List<String> emptyDirMounts(PodSpec pod, Container container) {
    List<String> emptyDirs = pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null).map(Volume::getName).toList();
    return container.getVolumeMounts().stream().filter(m -> emptyDirs.contains(m.getName()))
        .map(VolumeMount::getMountPath).toList();
  }

  /** Whether the container's securityContext makes its root filesystem read-only. */
  public static boolean readOnlyRoot(Container c) {
    return c.getSecurityContext() != null && Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem());
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static void check(Result result) {
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  private static Result run(List<String> command) {
    return run(command, null);
  }

  /** Runs a command on this machine; with {@code errorLog} its stderr goes there, else into the output. */
  private static Result run(List<String> command, Path errorLog) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile());
      if (errorLog == null) {
        pb.redirectErrorStream(true);
      } else {
        Files.createDirectories(errorLog.getParent());
        pb.redirectError(errorLog.toFile());
      }
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.MINUTES)).isTrue();
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
