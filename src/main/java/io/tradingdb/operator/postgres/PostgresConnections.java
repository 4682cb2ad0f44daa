package io.tradingdb.operator.postgres;

import io.tradingdb.operator.kube.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGProperty;

/**
 * The operator's own JDBC connections, shared by every reconciler: a few per target and admin
 * user, checked before reuse, with connect and socket timeouts so an unreachable server costs
 * seconds, not minutes. Each new session must have standard_conforming_strings on, which
 * {@link SqlQuote#literal} relies on.
 */
public final class PostgresConnections implements AutoCloseable {

  public static final String APPLICATION_NAME = "tradingdb-operator";

  /**
   * @param connectTimeout TCP connect and login timeout
   * @param socketTimeout longest wait for a server answer
   * @param lockTimeout longest wait for a lock inside a statement (GRANT waits for DDL)
   * @param maxPerTarget open connections per target and user; more callers wait for one
   * @param maxIdle how long an unused connection is kept
   */
  public record Settings(
      Duration connectTimeout, Duration socketTimeout, Duration lockTimeout, int maxPerTarget, Duration maxIdle) {

    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(10), 3, Duration.ofMinutes(5));
    }
  }

  /** What a connection is for: a server, a database and a login. The password stays out of toString. */
  private record PoolKey(
      String host, int port, String database, String sslMode, String caFile, PostgresCredentials credentials) {}

  private record IdleConnection(Connection connection, long idleSinceNanos) {}

  private final class Pool {
    final Semaphore permits = new Semaphore(settings.maxPerTarget(), true);
    final Deque<IdleConnection> idle = new ArrayDeque<>();
  }

  private final Settings settings;
  private final Map<PoolKey, Pool> pools = new ConcurrentHashMap<>();
  private final Map<String, Path> caFiles = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public PostgresConnections(Settings settings) {
    this.settings = settings;
  }

  public PostgresConnections() {
    this(Settings.defaults());
  }

  /**
   * A connection to {@code target}'s database as {@code credentials}; close it to return it.
   *
   * @param caCertificatePem PEM CA certificate for verify-ca/verify-full, or null
   */
  public PooledConnection open(ConnectionTarget target, PostgresCredentials credentials, String caCertificatePem)
      throws SQLException {
    if (closed) {
      throw new IllegalStateException("connections are closed");
    }
    String caFile = caCertificatePem == null ? null : caFile(caCertificatePem).toString();
    PoolKey key = new PoolKey(target.host(), target.port(), target.database(), target.sslMode(), caFile, credentials);
    closeExpiredIdle();
    Pool pool = pools.computeIfAbsent(key, k -> new Pool());
    acquire(pool);
    try {
      Connection idle = reuseIdle(pool);
      Connection connection = idle != null ? idle : connect(key, settings.socketTimeout());
      return new PooledConnection(connection, () -> release(pool, connection));
    } catch (SQLException | RuntimeException e) {
      pool.permits.release();
      throw e;
    }
  }

  /**
   * A connection of its own, outside the pool and without the socket timeout, for statements that may
   * rightly run for a long time (VACUUM of a large table). The caller closes it.
   */
  public Connection openUnpooled(ConnectionTarget target, PostgresCredentials credentials, String caCertificatePem)
      throws SQLException {
    if (closed) {
      throw new IllegalStateException("connections are closed");
    }
    String caFile = caCertificatePem == null ? null : caFile(caCertificatePem).toString();
    return connect(new PoolKey(target.host(), target.port(), target.database(), target.sslMode(), caFile, credentials),
        Duration.ZERO);
  }

  /** Closes idle connections and refuses new ones; connections in use close when returned. */
  @Override
  public void close() {
    closed = true;
    pools.values().forEach(pool -> {
      synchronized (pool.idle) {
        pool.idle.forEach(i -> closeQuietly(i.connection()));
        pool.idle.clear();
      }
    });
  }

  /** Idle connections of every pool (also of targets no longer used, e.g. an old admin password) expire. */
  private void closeExpiredIdle() {
    long now = System.nanoTime();
    for (Pool pool : pools.values()) {
      synchronized (pool.idle) {
        pool.idle.removeIf(i -> {
          boolean expired = now - i.idleSinceNanos() >= settings.maxIdle().toNanos();
          if (expired) {
            closeQuietly(i.connection());
          }
          return expired;
        });
      }
    }
  }

  private void acquire(Pool pool) throws SQLException {
    try {
      long waitMillis = settings.connectTimeout().toMillis() + settings.socketTimeout().toMillis();
      if (!pool.permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
        throw new SQLException("no free connection to the database within " + waitMillis + " ms", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a connection", "08001", e);
    }
  }

  private Connection reuseIdle(Pool pool) {
    long now = System.nanoTime();
    while (true) {
      IdleConnection candidate;
      synchronized (pool.idle) {
        candidate = pool.idle.pollLast();
      }
      if (candidate == null) {
        return null;
      }
      boolean fresh = now - candidate.idleSinceNanos() < settings.maxIdle().toNanos();
      if (fresh && isUsable(candidate.connection())) {
        return candidate.connection();
      }
      closeQuietly(candidate.connection());
    }
  }

  private void release(Pool pool, Connection connection) {
    try {
      boolean usable = !closed && !connection.isClosed();
      if (usable && !connection.getAutoCommit()) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
      if (usable) {
        synchronized (pool.idle) {
          pool.idle.addLast(new IdleConnection(connection, System.nanoTime()));
        }
      } else {
        closeQuietly(connection);
      }
    } catch (SQLException e) {
      closeQuietly(connection);
    } finally {
      pool.permits.release();
    }
  }

  private boolean isUsable(Connection connection) {
    try {
      return connection.isValid((int) Math.max(1, settings.connectTimeout().toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  /** @param socketTimeout longest wait for a server answer; zero waits as long as the server works */
  private Connection connect(PoolKey key, Duration socketTimeout) throws SQLException {
    Properties props = new Properties();
    PGProperty.USER.set(props, key.credentials().username());
    PGProperty.PASSWORD.set(props, key.credentials().password());
    PGProperty.APPLICATION_NAME.set(props, APPLICATION_NAME);
    PGProperty.CONNECT_TIMEOUT.set(props, (int) settings.connectTimeout().toSeconds());
    PGProperty.LOGIN_TIMEOUT.set(props, (int) settings.connectTimeout().toSeconds());
    PGProperty.SOCKET_TIMEOUT.set(props, (int) socketTimeout.toSeconds());
    PGProperty.TCP_KEEP_ALIVE.set(props, true);
    PGProperty.SSL_MODE.set(props, key.sslMode() == null ? "prefer" : key.sslMode());
    if (key.caFile() != null) {
      PGProperty.SSL_ROOT_CERT.set(props, key.caFile());
    }
    PGProperty.OPTIONS.set(props, "-c lock_timeout=" + settings.lockTimeout().toMillis());
    String url = "jdbc:postgresql://" + hostForUrl(key.host()) + ":" + key.port() + "/"
        + java.net.URLEncoder.encode(key.database(), StandardCharsets.UTF_8).replace("+", "%20");
    Connection connection = DriverManager.getConnection(url, props);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SHOW standard_conforming_strings")) {
      rs.next();
      SqlQuote.requireStandardConformingStrings(rs.getString(1));
      return connection;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** pgJDBC reads the CA from a file: one 0600 file per distinct certificate. */
  private Path caFile(String pem) {
    return caFiles.computeIfAbsent(sha256(pem), digest -> {
      try {
        Path dir = Files.createTempDirectory("tradingdb-ca-", PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve(digest + ".pem");
        Files.writeString(file, pem, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return file;
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the CA certificate file", e);
      }
    });
  }

  private static String sha256(String text) {
    return Digests.sha256Hex(text);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The connection is being thrown away; a failure to close it changes nothing.
    }
  }
}
