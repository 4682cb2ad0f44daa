package io.tradingdb.operator.tradingdatabase.pooler;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
    String bin = LocalProcesses.run(List.of("sh", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1")).trim();
    LocalProcesses.requireBinary(bin + "/initdb", "postgresql");
    Path dir = LocalProcesses.folderForPostgres("tradingdb-pg");
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String password = HexFormat.of().formatHex(bytes);
    Path pwfile = dir.resolve("pwfile");
    LocalProcesses.writeForPostgres(pwfile, password + "\n");
    Path data = dir.resolve("data");
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        bin + "/initdb", "-D", data.toString(), "-U", "postgres", "--auth=scram-sha-256",
        "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C.UTF-8")));
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

  @Override
  public void close() {
    LocalProcesses.run(LocalProcesses.asPostgres(List.of(), List.of(
        bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop")));
    LocalProcesses.deleteTree(dir);
  }
}
