package io.tradingdb.operator.tradingdatabase.pooler;

import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.postgres.SqlQuote;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * A PostgreSQL of a test's own (initdb in a temp folder, loopback, SCRAM), for settings the
 * shared test server must not get, such as a small max_connections under a 500-client load.
 */
public final class LocalPostgres implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final String password;
  private final String bin;

  private LocalPostgres(Path dir, int port, String password, String bin) {
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.bin = bin;
  }

  public static LocalPostgres start(int port, String... settings) {
    return start(port, Map.of(), settings);
  }

  /**
   * As {@link #start(int, String...)}, with files (for example a server certificate) written into
   * the data folder before the server starts; settings may name them relative to it.
   */
  public static LocalPostgres start(int port, Map<String, String> dataFiles, String... settings) {
    return start(port, List.of(), dataFiles, settings);
  }

  /** As {@link #start(int, Map, String...)}, with further initdb options (such as --data-checksums). */
  public static LocalPostgres start(
      int port, List<String> initdbOptions, Map<String, String> dataFiles, String... settings) {
    String bin = LocalProcesses.run(List.of("sh", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1")).trim();
    LocalProcesses.requireBinary(bin + "/initdb", "postgresql");
    Path dir = LocalProcesses.folderForPostgres("tradingdb-pg");
    String password = LocalProcesses.randomPassword();
    Path pwfile = dir.resolve("pwfile");
    LocalProcesses.writeForPostgres(pwfile, password + "\n");
    Path data = dir.resolve("data");
    List<String> initdb = new java.util.ArrayList<>(List.of(
        bin + "/initdb", "-D", data.toString(), "-U", "postgres", "--auth=scram-sha-256",
        "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C.UTF-8"));
    initdb.addAll(initdbOptions);
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), initdb));
    StringBuilder conf = new StringBuilder()
        .append("listen_addresses = '127.0.0.1'\n")
        .append("port = ").append(port).append('\n')
        .append("unix_socket_directories = '").append(dir).append("'\n")
        .append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    for (String setting : settings) {
      conf.append(setting).append('\n');
    }
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        "sh", "-c", "cat >> '" + data.resolve("postgresql.conf") + "' <<'CONF'\n" + conf + "CONF\n")));
    dataFiles.forEach((name, text) -> LocalProcesses.writeForPostgres(data.resolve(name), text));
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        bin + "/pg_ctl", "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "30",
        "start")));
    return new LocalPostgres(dir, port, password, bin);
  }

  public int port() {
    return port;
  }

  public String superuserPassword() {
    return password;
  }

  public String bin() {
    return bin;
  }

  public Connection connectAsAdmin(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("password", password);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
  }

  /**
   * A login owning a new database, which pgBouncer can serve: the lookup function and its login
   * are set up there as the operator would.
   */
  public void createPooledDatabase(String database, String owner, String ownerPassword, String lookupPassword)
      throws SQLException {
    try (Connection admin = connectAsAdmin("postgres"); Statement s = admin.createStatement()) {
      createLogin(admin, owner, ownerPassword);
      s.execute("CREATE DATABASE " + SqlQuote.identifier(database) + " OWNER " + SqlQuote.identifier(owner));
    }
    try (Connection admin = connectAsAdmin(database)) {
      PoolerAuthSetup.apply(admin, database, PoolerAuthSetup.ROLE, lookupPassword);
    }
  }

  /** A login role with a SCRAM password, hashed client-side by the driver. */
  public static void createLogin(Connection admin, String role, String password) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("DROP ROLE IF EXISTS " + SqlQuote.identifier(role));
      s.execute("CREATE ROLE " + SqlQuote.identifier(role) + " LOGIN");
    }
    admin.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
  }

  public Path dataDirectory() {
    return dir.resolve("data");
  }

  /** Stops the server cleanly (a shutdown checkpoint), runs {@code whileStopped}, starts it again. */
  public void restart(Runnable whileStopped) {
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        bin + "/pg_ctl", "-D", dataDirectory().toString(), "-m", "fast", "-w", "stop")));
    whileStopped.run();
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        bin + "/pg_ctl", "-D", dataDirectory().toString(), "-l", dir.resolve("postgres.log").toString(), "-w",
        "-t", "30", "start")));
  }

  @Override
  public void close() {
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop")));
    LocalProcesses.deleteTree(dir);
  }
}
