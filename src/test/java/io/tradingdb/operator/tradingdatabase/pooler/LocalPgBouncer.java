package io.tradingdb.operator.tradingdatabase.pooler;

import static org.awaitility.Awaitility.await;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Debian's pgBouncer on loopback, started through the same run-pgbouncer.sh and with the same
 * generated pgbouncer.ini as in the pod; only the layout (addresses, file paths) differs.
 */
public final class LocalPgBouncer implements AutoCloseable {

  public static final String BINARY = "/usr/sbin/pgbouncer";

  private final Path dir;
  private final int port;
  private final PoolerLayout layout;
  private final Process process;

  private LocalPgBouncer(Path dir, int port, PoolerLayout layout, Process process) {
    this.dir = dir;
    this.port = port;
    this.layout = layout;
    this.process = process;
  }

  /** Starts pgBouncer for {@code model} in front of the server at serverHost:serverPort. */
  public static LocalPgBouncer start(
      ClusterModel model, String serverHost, int serverPort, String lookupPassword) {
    return start(model, serverHost, serverPort, lookupPassword, Map.of());
  }

  /** As {@link #start}, with the TLS Secret's files (tls.crt, tls.key, ca.crt) as PEM text. */
  public static LocalPgBouncer start(
      ClusterModel model, String serverHost, int serverPort, String lookupPassword,
      Map<String, String> tlsFiles) {
    LocalProcesses.requireBinary(BINARY, "pgbouncer");
    Path dir = LocalProcesses.folderForPostgres("tradingdb-pgbouncer");
    int port = LocalProcesses.freePort();
    PoolerLayout layout = new PoolerLayout(
        "127.0.0.1", port, serverHost, serverPort, dir.resolve("auth").resolve(PoolerLayout.AUTH_FILE).toString(),
        dir.resolve("tls").toString());
    try {
      Files.createDirectories(dir.resolve("auth"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalProcesses.chownToPostgres(dir.resolve("auth"));
    writeLogin(dir, PoolerConfigMap.login(io.tradingdb.operator.postgres.PoolerAuthSetup.ROLE, lookupPassword));
    if (!tlsFiles.isEmpty()) {
      Path tls = dir.resolve("tls");
      try {
        Files.createDirectories(tls);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LocalProcesses.chownToPostgres(tls);
      tlsFiles.forEach((name, pem) -> LocalProcesses.writeForPostgres(tls.resolve(name), pem));
    }
    LocalProcesses.writeForPostgres(dir.resolve(PoolerLayout.CONFIG_FILE), PgBouncerIni.render(model, layout));
    LocalProcesses.writeForPostgres(dir.resolve(PoolerLayout.RUN_SCRIPT), PoolerConfigMap.RUN_SCRIPT);
    List<String> command = LocalProcesses.asPostgres(
        List.of(
            "PGBOUNCER_CONFIG=" + dir.resolve(PoolerLayout.CONFIG_FILE),
            "PGBOUNCER_WATCH=" + dir,
            "PGBOUNCER_RELOAD_CHECK_SECONDS=1",
            "PGBOUNCER_BIN=" + BINARY),
        List.of("/bin/sh", dir.resolve(PoolerLayout.RUN_SCRIPT).toString()));
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("pgbouncer.log").toFile())
          .start();
      LocalPgBouncer bouncer = new LocalPgBouncer(dir, port, layout, process);
      await("pgBouncer listening on 127.0.0.1:" + port)
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("pgBouncer exited:\n" + bouncer.log());
            }
            return bouncer.accepting();
          });
      return bouncer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /**
   * Writes the pooler Secret's file keys into the auth folder as kubelet's atomic writer does: a new
   * folder with every file, then one rename of the {@code ..data} link, so pgBouncer never reads a
   * mix of old and new files.
   */
  private static void writeLogin(Path dir, Map<String, String> secret) {
    Path auth = dir.resolve("auth");
    try {
      Path version = Files.createDirectory(auth.resolve("..v" + System.nanoTime()));
      LocalProcesses.chownToPostgres(version);
      for (String key : List.of(PoolerConfigMap.AUTH_FILE_KEY, PoolerConfigMap.AUTH_USER_KEY)) {
        LocalProcesses.writeForPostgres(version.resolve(key), secret.get(key));
      }
      Path next = auth.resolve("..data_tmp");
      Files.deleteIfExists(next);
      Files.createSymbolicLink(next, version.getFileName());
      Files.move(next, auth.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (String key : List.of(PoolerConfigMap.AUTH_FILE_KEY, PoolerConfigMap.AUTH_USER_KEY)) {
        Path link = auth.resolve(key);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, Path.of("..data", key));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the pooler Secret's files as kubelet would after an update; the run script reloads. */
  public void rewriteLogin(Map<String, String> secret) {
    writeLogin(dir, secret);
  }

  /** Replaces pgbouncer.ini as a ConfigMap update would; the run script notices and reloads. */
  public void rewriteConfig(ClusterModel model) {
    LocalProcesses.writeForPostgres(dir.resolve(PoolerLayout.CONFIG_FILE), PgBouncerIni.render(model, layout));
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("pgbouncer.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A JDBC session through the pooler. Transaction pooling needs unnamed statements only. */
  public Connection connect(String database, String user, String password) throws SQLException {
    return connect(database, user, password, new Properties());
  }

  public Connection connect(String database, String user, String password, Properties extra)
      throws SQLException {
    Properties props = new Properties();
    props.putAll(extra);
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("prepareThreshold", "0");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
  }

  /**
   * Rows of a SHOW command on the admin console ("pgbouncer" database), run with psql: pgJDBC
   * sends set-up statements at connect that the console refuses to a stats-only user.
   */
  public List<Map<String, String>> show(String what, String user, String password) {
    ProcessBuilder psql = new ProcessBuilder(
        "psql", "-X", "-A", "-F", "\t", "-P", "footer=off", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-U", user, "-d", "pgbouncer", "-c", "SHOW " + what);
    psql.environment().put("PGPASSWORD", password);
    psql.redirectErrorStream(true);
    try {
      Process process = psql.start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException("SHOW " + what + " failed: " + output);
      }
      List<String> lines = output.lines().toList();
      String[] header = lines.get(0).split("\t", -1);
      List<Map<String, String>> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] values = line.split("\t", -1);
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
          row.put(header[i], i < values.length ? values[i] : "");
        }
        rows.add(row);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends SIGTERM to run-pgbouncer.sh, as the kubelet does when it stops the container. */
  public void terminate() {
    ProcessHandle pgbouncer = process.toHandle().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/pgbouncer")).orElse(false))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no pgbouncer process under " + process.pid()));
    pgbouncer.parent().orElseThrow().destroy();
  }

  public boolean running() {
    return process.isAlive();
  }

  private boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LocalProcesses.deleteTree(dir);
  }
}
