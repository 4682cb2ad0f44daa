package io.tradingdb.operator.tradingdatabase.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tradingdb.operator.postgres.PasswordRotationSql;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.DatabaseChecks;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rotation of the pooler's lookup login, step by step as PasswordRotation takes them, on Debian's
 * pgBouncer (through run-pgbouncer.sh) in front of the test PostgreSQL, while clients keep logging
 * in and server connections live one second, so pgBouncer logs in as its lookup login anew all the
 * time. With one login whose password changes before pgBouncer has the new file,
 * these logins were refused until the reload.
 */
class PoolerLookupLoginSwitchIT {

  private static final String APP_USER = "switch_trader";
  private static String database;
  private static String appPassword;
  private static String lookupPassword;
  private static LocalPgBouncer bouncer;
  private static PostgresConnections connections;

  @BeforeAll
  static void start() throws SQLException {
    database = TestPostgres.createDatabase("lookup");
    appPassword = LocalProcesses.randomPassword();
    try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
      LocalPostgres.createLogin(admin, APP_USER, appPassword);
      s.execute("GRANT CONNECT ON DATABASE " + SqlQuote.identifier(database) + " TO " + SqlQuote.identifier(APP_USER));
    }
    connections = new PostgresConnections();
  }

  /** Each test starts as a new cluster does: pgBouncer on the first lookup login, the other without a password. */
  @BeforeEach
  void startPooler() throws SQLException {
    lookupPassword = LocalProcesses.randomPassword();
    try (Connection admin = TestPostgres.connectAsAdmin(database)) {
      PoolerAuthSetup.apply(admin, database, PoolerAuthSetup.ROLE, lookupPassword);
      PasswordRotationSql.apply(admin, List.of(PoolerAuthSetup.retire(PoolerAuthSetup.ALTERNATE)));
    }
    bouncer = LocalPgBouncer.start(model(), TestPostgres.host(), TestPostgres.port(), lookupPassword);
  }

  @AfterEach
  void stopPooler() {
    if (bouncer != null) {
      bouncer.close();
    }
  }

  @AfterAll
  static void stop() throws SQLException {
    if (connections != null) {
      connections.close();
    }
    TestPostgres.dropDatabase(database);
  }

  /** Server connections live one second, so pgBouncer logs in as its lookup login again and again. */
  private static ClusterModel model() {
    return TestClusters.model("test", "it", """
          databaseName: %s
          tls: {enabled: false}
          pooler: {enabled: true, parameters: {server_lifetime: "1", server_idle_timeout: "1"}}
        """.formatted(database));
  }

  /**
   * The control: what a rotation of the one login pgBouncer used did before there were two. Its
   * password changed in PostgreSQL before pgBouncer had the new file, and every new client login
   * waited for pgBouncer's reload (in a pod up to about a minute and a half, kubelet's delay).
   */
  @Test
  void changingThePasswordOfTheLoginPgBouncerUsesStallsLoginsUntilItReloads() throws Exception {
    String newPassword = LocalProcesses.randomPassword();
    try (ClientLogins logins = new ClientLogins()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> logins.served.get() >= 20);
      try (Connection admin = TestPostgres.connectAsAdmin(database)) {
        PasswordRotationSql.apply(admin, PasswordRotationSql.plan(Map.of(PoolerAuthSetup.ROLE, newPassword)));
      }
      long changed = System.nanoTime();
      int servedLate = logins.servedInTheLastTwoOfFiveSeconds();
      bouncer.rewriteLogin(PoolerConfigMap.login(PoolerAuthSetup.ROLE, newPassword));
      int servedAtFile = logins.served.get();
      await("logins are served again after the reload").atMost(Duration.ofSeconds(20))
          .until(() -> logins.served.get() >= servedAtFile + 20);
      System.out.printf("lookup control: %d client logins served 3 to 5 s after the password change, before the new"
          + " file (%d refused); served again %.1f s after the change%n", servedLate, logins.refused.size(),
          (logins.firstServedAfter(changed + 5_000_000_000L) - changed) / 1e9);
      assertThat(servedLate).as("client logins served while pgBouncer had the old password").isLessThanOrEqualTo(1);
    }
  }

  @Test
  void noClientLoginIsRefusedWhilePgBouncerMovesToTheOtherLookupLogin() throws Exception {
    DatabaseChecks checks = new DatabaseChecks(null, connections, Clock.systemUTC(), m -> null);
    String next = PoolerAuthSetup.other(PoolerAuthSetup.ROLE);
    String nextPassword = LocalProcesses.randomPassword();
    try (ClientLogins logins = new ClientLogins(); LookupSessions sessions = new LookupSessions()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> logins.served.get() >= 20 && sessions.of(PoolerAuthSetup.ROLE) >= 2);

      // 1. The unused login gets the new password (PasswordRotation's one transaction).
      logins.phase.set("new password set");
      try (Connection admin = TestPostgres.connectAsAdmin(database)) {
        PoolerAuthSetup.ensure(admin, database);
        PasswordRotationSql.apply(admin, PasswordRotationSql.plan(Map.of(next, nextPassword)));
      }
      // pgBouncer has not loaded it: the lookup function never returns a lookup login, so it is refused.
      assertThat(checks.poolerAccepts(model(), "127.0.0.1", bouncer.port(), next, nextPassword)).isFalse();
      // The kubelet's delay, shortened as in the control: logins go on, pgBouncer's login is unchanged.
      int servedLate = logins.servedInTheLastTwoOfFiveSeconds();
      int servedBeforeFile = logins.served.get();

      // 2. The Secret names the new login and its file holds both (PasswordRotation's swap); kubelet
      // delivers it and the run script reloads pgBouncer.
      logins.phase.set("files swapped");
      Map<String, String> swapped = new LinkedHashMap<>(PoolerConfigMap.login(next, nextPassword));
      Map<String, String> both = new LinkedHashMap<>();
      both.put(next, nextPassword);
      both.put(PoolerAuthSetup.ROLE, lookupPassword);
      swapped.put(PoolerConfigMap.AUTH_FILE_KEY, PoolerConfigMap.authFile(both));
      bouncer.rewriteLogin(swapped);
      await("pgBouncer loads the new lookup login").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> checks.poolerAccepts(model(), "127.0.0.1", bouncer.port(), next, nextPassword));

      // 3. The old login loses its password and leaves the file; pgBouncer no longer uses it.
      logins.phase.set("old login retired");
      try (Connection admin = TestPostgres.connectAsAdmin(database)) {
        PasswordRotationSql.apply(admin, List.of(PoolerAuthSetup.retire(PoolerAuthSetup.ROLE)));
      }
      bouncer.rewriteLogin(PoolerConfigMap.login(next, nextPassword));
      long asNext = sessions.of(next);
      int servedAtRetire = logins.served.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> logins.served.get() >= servedAtRetire + 20 && sessions.of(next) >= asNext + 2);
      await("pgBouncer loads the file without the retired login").atMost(Duration.ofSeconds(20))
          .until(() -> !checks.poolerAccepts(model(), "127.0.0.1", bouncer.port(), PoolerAuthSetup.ROLE, lookupPassword));
      logins.close();

      System.out.printf("lookup switch: %d client logins served (%d 3 to 5 s after the new password, before the new"
          + " file), %d refused; lookup sessions seen: %d as %s, %d as %s%n", logins.served.get(), servedLate, logins.refused.size(),
          sessions.of(PoolerAuthSetup.ROLE), PoolerAuthSetup.ROLE, sessions.of(next), next);
      assertThat(servedLate).as("client logins served while only PostgreSQL had the new password").isGreaterThan(20);
      assertThat(logins.served.get()).as("logins went on during the switch").isGreaterThan(servedBeforeFile);
      assertThat(logins.refused).as("refused client logins; pgBouncer's log:%n%s", bouncer.log()).isEmpty();
    }
    assertThat(bouncer.show("CONFIG", next, nextPassword))
        .filteredOn(row -> "auth_user".equals(row.get("key"))).singleElement()
        .extracting(row -> row.get("value")).isEqualTo(next);
    assertThatThrownBy(() -> TestPostgres.connect(database, PoolerAuthSetup.ROLE, lookupPassword).close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
  }

  /** Client logins through pgBouncer, one after another, on a thread of their own. */
  private final class ClientLogins implements AutoCloseable {
    final AtomicInteger served = new AtomicInteger();
    /** Logins served since the last refusal. */
    final AtomicInteger streak = new AtomicInteger();
    final Queue<String> refused = new ConcurrentLinkedQueue<>();
    final AtomicReference<String> phase = new AtomicReference<>("before");
    /** When each login was served (System.nanoTime). */
    private final Queue<Long> servedAt = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "client-logins");

    ClientLogins() {
      thread.start();
    }

    private void run() {
      while (running.get()) {
        try (Connection c = bouncer.connect(database, APP_USER, appPassword); Statement s = c.createStatement()) {
          s.execute("SELECT 1");
          served.incrementAndGet();
          streak.incrementAndGet();
          servedAt.add(System.nanoTime());
        } catch (SQLException e) {
          streak.set(0);
          refused.add(phase.get() + ": " + e.getMessage());
        }
      }
    }

    /**
     * Waits five seconds (kubelet's delay, shortened: with server_lifetime at 1 s pgBouncer needs a
     * new lookup session within that) and returns the logins served in its last two.
     */
    int servedInTheLastTwoOfFiveSeconds() throws InterruptedException {
      Thread.sleep(3000);
      int before = served.get();
      Thread.sleep(2000);
      return served.get() - before;
    }

    long firstServedAfter(long nanos) {
      return servedAt.stream().filter(t -> t > nanos).findFirst().orElse(-1L);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  /**
   * The lookup logins' sessions PostgreSQL has seen: with server_lifetime at 1 s pgBouncer logs in as
   * its lookup login anew all the time, so a password it does not know refuses client logins at once.
   */
  private final class LookupSessions implements AutoCloseable {
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "lookup-sessions");

    LookupSessions() {
      thread.start();
    }

    long of(String login) {
      return seen.stream().filter(s -> s.startsWith(login + "/")).count();
    }

    private void run() {
      try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
        while (running.get()) {
          ResultSet rows = s.executeQuery("SELECT pid, usename FROM pg_stat_activity WHERE usename IN ("
              + String.join(", ", PoolerAuthSetup.ROLES.stream().map(SqlQuote::literal).toList()) + ")");
          while (rows.next()) {
            seen.add(rows.getString(2) + "/" + rows.getInt(1));
          }
          Thread.sleep(50);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
