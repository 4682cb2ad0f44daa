package io.tradingdb.operator.tradingdatabase.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporters' login supervisor (monitoring/run-exporter.sh), run by /bin/sh exactly as the
 * container's command line has it, with a stand-in exporter that writes down the login it got.
 */
class RunExporterScriptTest {

  @TempDir
  Path dir;

  /** A stand-in exporter: appends "user password" to started.txt, then sleeps until stopped. */
  private List<String> command(Map<String, String> files, String exporterScript) {
    List<String> exporter = List.of("/bin/sh", "-c", exporterScript);
    List<String> command = new ArrayList<>(RotatedPassword.command(dir.toString(), files, exporter));
    return command;
  }

  private Process start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("log.txt").toFile());
    builder.environment().put("EXPORTER_LOGIN_CHECK_SECONDS", "0.2");
    return builder.start();
  }

  @Test
  void aChangedLoginRestartsTheExporterNotTheSupervisor() throws Exception {
    Files.writeString(dir.resolve("username"), "lookup_a");
    Files.writeString(dir.resolve("password"), "first");
    Process supervisor = start(command(Map.of("PGUSER", "username", "PGPASSWORD", "password"),
        "echo \"$PGUSER $PGPASSWORD\" >> " + dir.resolve("started.txt") + "; exec sleep 60"));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> started().size() == 1);
      Files.writeString(dir.resolve("username"), "lookup_b");
      Files.writeString(dir.resolve("password"), "second");
      await().atMost(Duration.ofSeconds(10)).until(() -> started().contains("lookup_b second"));
      assertThat(supervisor.isAlive()).as("the container's main process keeps running").isTrue();
      assertThat(started()).first().isEqualTo("lookup_a first");
      assertThat(Files.readString(dir.resolve("log.txt"))).contains("the mounted login changed")
          .doesNotContain("first").doesNotContain("second");
    } finally {
      supervisor.destroy();
    }
    assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).as("SIGTERM stops the supervisor and its exporter").isTrue();
    assertThat(supervisor.exitValue()).isZero();
  }

  @Test
  void anExporterThatExitsOnItsOwnEndsTheContainerWithItsStatus() throws Exception {
    Files.writeString(dir.resolve("password"), "only");
    Process supervisor = start(command(Map.of("DATA_SOURCE_PASS", "password"),
        "echo \"$DATA_SOURCE_PASS\" >> " + dir.resolve("started.txt") + "; sleep 0.5; exit 7"));
    assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(supervisor.exitValue()).isEqualTo(7);
    assertThat(started()).containsExactly("only");
  }

  private List<String> started() throws IOException {
    Path file = dir.resolve("started.txt");
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
