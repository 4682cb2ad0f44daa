package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the backup image is not built; this checks the way it can break
 * without one: a tool the scripts call that neither the base image nor the installed packages
 * provide. Which Debian package provides a tool is asked of this Debian machine (dpkg -S), which
 * has the same packages the tests run.
 */
class BackupToolsImageTest {

  private static final Path DOCKERFILE = Path.of("src/main/docker/backup-tools/Dockerfile");
  /** What postgres:16-bookworm has besides its PostgreSQL 16 client (pg_dump, pg_restore, psql). */
  private static final Set<String> BASE_PACKAGES = Set.of("bash", "coreutils", "gzip", "grep", "sed", "findutils",
      "mawk", "gawk", "tar", "util-linux", "procps", "libc-bin");
  private static final Set<String> POSTGRES_CLIENT = Set.of("pg_dump", "pg_restore", "psql");

  @Test
  void everyToolTheScriptsCallIsInTheImage() throws Exception {
    String dockerfile = Files.readString(DOCKERFILE);
    assertThat(dockerfile).contains("FROM postgres:16-bookworm").contains("USER 999:999");
    Matcher install = Pattern.compile("apt-get install -y --no-install-recommends ([^&\\\\]+)").matcher(dockerfile);
    assertThat(install.find()).isTrue();
    Set<String> packages = withDependencies(Arrays.asList(install.group(1).trim().split("\\s+")));

    Set<String> tools = toolsTheScriptsCall(BackupScripts.SHELL_FILES, BackupScripts.PGBACKREST_SHELL_FILES);
    assertThat(tools).as("the scan finds the scripts' main tools").contains("aws", "rclone", "jq", "pigz", "pg_dump", "pgbackrest")
        .as("the result library builds JSON with jq only").doesNotContain("python3");
    List<String> missing = new ArrayList<>();
    for (String tool : tools) {
      if (POSTGRES_CLIENT.contains(tool)) {
        continue;
      }
      String owner = debianPackageOf(tool);
      if (!packages.contains(owner) && !BASE_PACKAGES.contains(owner)) {
        missing.add(tool + " (Debian package " + owner + ")");
      }
    }
    assertThat(missing).as("tools the scripts call that the image lacks").isEmpty();
  }

  /** Commands at the start of a pipeline stage or after $( in the given scripts, checked against a known list. */
  @SafeVarargs
  static Set<String> toolsTheScriptsCall(List<String>... scripts) {
    Set<String> candidates = Set.of("aws", "rclone", "jq", "pigz", "zstd", "lz4", "gzip", "sha256sum", "tee", "pg_dump", "pg_restore",
        "psql", "pgbackrest", "python3", "awk", "sed", "grep", "tar", "date", "cut", "tr", "wc", "sort", "mktemp");
    Set<String> used = new TreeSet<>();
    for (String script : Arrays.stream(scripts).flatMap(List::stream).toList()) {
      String text = BackupScripts.resource(script);
      for (String tool : candidates) {
        if (Pattern.compile("(^|[\\s|(;&$])" + Pattern.quote(tool) + "(\\s|$)", Pattern.MULTILINE).matcher(text).find()) {
          used.add(tool);
        }
      }
    }
    return used;
  }

  /** The packages and everything they depend on, as apt would install them. */
  private static Set<String> withDependencies(List<String> packages) throws Exception {
    List<String> command = new ArrayList<>(List.of("apt-cache", "depends", "--recurse", "--no-recommends",
        "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"));
    command.addAll(packages);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Set<String> all = new TreeSet<>();
    for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
      if (!line.isBlank() && !line.startsWith(" ")) {
        all.add(line.trim().replaceAll(":amd64$", ""));
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(all).containsAll(packages);
    return all;
  }

  private static String debianPackageOf(String tool) throws Exception {
    Path path = Path.of("/usr/bin", tool);
    assertThat(path).as("%s is installed here (testenv/install-packages.sh)", tool).exists();
    // The path as installed, then (alternatives such as awk) the file it resolves to, then /bin (usrmerge).
    for (String candidate : List.of(path.toString(), path.toRealPath().toString(), "/bin/" + tool)) {
      Process p = new ProcessBuilder("dpkg", "-S", candidate).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() == 0 && !out.startsWith("dpkg-query") && out.contains(":")) {
        return out.substring(0, out.indexOf(':')).split(",")[0].trim();
      }
    }
    throw new AssertionError("no Debian package provides " + tool);
  }
}
