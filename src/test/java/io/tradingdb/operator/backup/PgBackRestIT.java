package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pgBackRest with a generated pgbackrest.conf against its own PostgreSQL (WAL archiving needs an
 * archive_command the shared test server does not have): full and incremental backups to a
 * repository on local disk, then a restore into a new data directory that starts with the data.
 */
class PgBackRestIT {

  private static final String STANZA = "trading";
  private static final String PGBIN = "/usr/lib/postgresql/15/bin";
  private static Path base;
  private static int port;
  private static PgBackRestConfig config;
  private static Path configFile;
  private static Path dataDir;

  @BeforeAll
  static void startPostgres() throws Exception {
    assertThat(Path.of("/usr/bin/pgbackrest")).as("Debian package pgbackrest is needed").isExecutable();
    assertThat(Path.of(PGBIN, "initdb")).as("Debian package postgresql-15 is needed").isExecutable();
    base = Files.createTempDirectory("tradingdb-pgbackrest");
    run("chown", "postgres:postgres", base.toString());
    port = freePort();
    dataDir = base.resolve("data");
    config = new PgBackRestConfig(STANZA, dataDir.toString(), port, base.toString(),
        PgBackRestConfig.Repo.posix(base.resolve("repo").toString()), 2, "zst", 2, base.resolve("log").toString());
    configFile = base.resolve("pgbackrest.conf");
    Files.writeString(configFile, config.render());
    run("chown", "postgres:postgres", configFile.toString());
    asPostgres(PGBIN + "/initdb", "-D", dataDir.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
    Files.writeString(dataDir.resolve("postgresql.conf"), String.join("\n",
        "listen_addresses = '127.0.0.1'",
        "port = " + port,
        "unix_socket_directories = '" + base + "'",
        "wal_level = replica",
        "archive_mode = on",
        "archive_command = '" + config.archiveCommand(configFile.toString()) + "'",
        "max_wal_senders = 2",
        "fsync = off",
        ""), java.nio.file.StandardOpenOption.APPEND);
    asPostgres(PGBIN + "/pg_ctl", "-D", dataDir.toString(), "-l", base.resolve("postgres.log").toString(), "-w", "start");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (dataDir != null) {
      for (Path d : List.of(dataDir, base.resolve("restored"))) {
        if (Files.exists(d.resolve("postmaster.pid"))) {
          asPostgres(PGBIN + "/pg_ctl", "-D", d.toString(), "-m", "immediate", "-w", "stop");
        }
      }
      run("rm", "-rf", base.toString());
    }
  }

  @Test
  void fullAndIncrementalBackupsRestoreIntoANewDataDirectory() throws Exception {
    pgbackrest("stanza-create");
    psql("CREATE TABLE ticks (ts timestamptz NOT NULL, price numeric) PARTITION BY RANGE (ts);"
        + "CREATE TABLE ticks_1 PARTITION OF ticks FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"
        + "CREATE TABLE ticks_2 PARTITION OF ticks FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');"
        + "INSERT INTO ticks SELECT timestamptz '2026-01-01' + g * interval '1 minute', g FROM generate_series(0, 49999) g;");
    pgbackrest("check");
    pgbackrest("backup", "--type=full");
    psql("INSERT INTO ticks SELECT timestamptz '2026-02-01' + g * interval '1 minute', g FROM generate_series(0, 9999) g;");
    pgbackrest("backup", "--type=incr");
    String expected = psql("SELECT count(*) || ':' || sum(price) FROM ticks");
    assertThat(expected).isEqualTo("60000:1299970000");

    JsonNode info = new ObjectMapper().readTree(pgbackrest("info", "--output=json")).get(0);
    List<String> types = new ArrayList<>();
    info.get("backup").forEach(b -> types.add(b.get("type").asText()));
    assertThat(types).containsExactly("full", "incr");

    asPostgres(PGBIN + "/pg_ctl", "-D", dataDir.toString(), "-w", "stop");
    Path restored = base.resolve("restored");
    pgbackrest("restore", "--pg1-path=" + restored, "--type=immediate", "--target-action=promote");
    asPostgres(PGBIN + "/pg_ctl", "-D", restored.toString(), "-l", base.resolve("restored.log").toString(), "-w", "start");
    assertThat(psql("SELECT count(*) || ':' || sum(price) FROM ticks")).isEqualTo(expected);
    assertThat(psql("SELECT count(*) FROM pg_inherits")).isEqualTo("2");
  }

  private static String pgbackrest(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("pgbackrest", "--config=" + configFile, "--stanza=" + STANZA));
    command.addAll(List.of(args));
    return asPostgres(command.toArray(String[]::new));
  }

  private static String psql(String sql) throws Exception {
    return asPostgres("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", base.toString(), "-p",
        Integer.toString(port), "-U", "postgres", "-d", "postgres", "-c", sql).trim();
  }

  private static String asPostgres(String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    return run(full.toArray(String[]::new));
  }

  private static String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", BackupScriptRunner.PATH);
    builder.directory(new java.io.File("/tmp"));
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", command), output).isZero();
    return output;
  }

  private static int freePort() throws IOException {
    for (int candidate = 25500; candidate < 25600; candidate++) {
      try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IOException("no free port in 25500-25599 on 127.0.0.1");
  }
}
