package io.tradingdb.operator.testsupport;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application writing one row per transaction (20 ms apart) to {@code table (id bigint)},
 * reconnecting after an error as a client library would: through the -rw Service, or through the
 * pooler. A failed transaction is an INSERT that got an error on an open connection; a failed
 * connect is a new connection refused (while the primary moves, or a login is refused).
 */
public final class WriteLoad {
  private final ConcurrentSkipListMap<Long, Long> acknowledgedAt = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<Long, String> failures = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<Long, String> connectFailures = new ConcurrentSkipListMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger seq = new AtomicInteger();
  private final Thread thread;
  private final String name;
  private final String url;
  private final Properties login;
  private final String table;

  /** @param login user and password; a copy is taken, so a later rotation does not change it */
  public WriteLoad(String name, String url, Properties login, String table) {
    this.name = name;
    this.url = url;
    this.login = (Properties) login.clone();
    this.table = table;
    thread = new Thread(this::loop, name + "-writer");
    thread.setDaemon(true);
    thread.start();
  }

  public record Window(double longestGapSeconds, int failedTransactions, int failedConnects, int writes) {}

  public long mark() {
    return System.nanoTime();
  }

  private void loop() {
    // Ids of a later writer never collide with an earlier one's rows.
    long next = System.currentTimeMillis() * 1000;
    while (running.get()) {
      Connection c;
      try {
        c = DriverManager.getConnection(url, login);
      } catch (Exception e) {
        connectFailures.put(System.nanoTime() + seq.incrementAndGet(), String.valueOf(e.getMessage()));
        sleep(100);
        continue;
      }
      try (c; PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
        while (running.get()) {
          insert.setLong(1, next);
          insert.executeUpdate();
          acknowledgedAt.put(next, System.nanoTime());
          next++;
          Thread.sleep(20);
        }
      } catch (Exception e) {
        failures.put(System.nanoTime() + seq.incrementAndGet(), String.valueOf(e.getMessage()));
        next++;
        sleep(100);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void awaitWrites(int n) {
    awaitAcknowledged(Long.MIN_VALUE, n, Duration.ofMinutes(1));
  }

  public void awaitWritesAfter(long since, int n) {
    awaitAcknowledged(since, n, Duration.ofMinutes(3));
  }

  /** Fails with the writer's last errors, which say why nothing was written (a refused login, say). */
  private void awaitAcknowledged(long since, int n, Duration atMost) {
    try {
      await().ignoreExceptions().atMost(atMost)
          .until(() -> acknowledgedAt.values().stream().filter(t -> t > since).count() >= n);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(name + ": fewer than " + n + " writes acknowledged within " + atMost.toSeconds()
          + " s; last failed connect: " + last(connectFailures) + "; last failed transaction: " + last(failures), e);
    }
  }

  private static String last(ConcurrentSkipListMap<Long, String> errors) {
    var e = errors.lastEntry();
    return e == null ? "none" : e.getValue();
  }

  /** From {@code from} to now: the longest time without an acknowledged write, and the failures. */
  public Window window(long from) {
    long previous = from;
    long longest = 0;
    int writes = 0;
    for (long t : new TreeSet<>(acknowledgedAt.values())) {
      if (t <= from) {
        continue;
      }
      longest = Math.max(longest, t - previous);
      previous = t;
      writes++;
    }
    failures.tailMap(from).values().forEach(m -> System.out.println(name + " failed transaction: " + m));
    connectFailures.tailMap(from).values().stream().limit(5)
        .forEach(m -> System.out.println(name + " failed connect: " + m));
    return new Window(longest / 1e9, failures.tailMap(from).size(), connectFailures.tailMap(from).size(), writes);
  }

  public Set<Long> acknowledged() {
    return acknowledgedAt.keySet();
  }

  public void stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
  }
}
