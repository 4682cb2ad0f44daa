package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeUsage;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.testsupport.InTestJvm;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.WriteLoad;
import io.tradingdb.operator.tradingdatabase.TradingDatabaseReconciler;
import io.tradingdb.operator.tradingdatabase.VolumeAutoGrow;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import io.tradingdb.operator.tradingdatabase.monitoring.PrometheusRuleBuilder;
import io.tradingdb.operator.tradingdatabase.pooler.LocalProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15 part 3 on the real node: testenv's volumes there are loop-mounted filesystems of exactly
 * the claim's size, grown online when a claim grows. A one-instance cluster with a data and a WAL
 * volume of 1Gi each, both with autoGrow (default 80% threshold, 20% increment), under an operator in
 * this JVM that reads the kubelet's volume stats through the node proxy. A writer inserts one row
 * every 20 ms through the -rw Service all along.
 *
 * <p>The test watches each filesystem itself (statfs of the PV's mount on this machine, every
 * 200 ms), so the reaction time is measured from the moment the volume really crossed the
 * threshold to the moment the mounted filesystem was larger.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VolumeAutoGrowOnRealNodeIT {

  static final String NAME = "grow";
  static final String DATA_CLAIM = ClusterNames.DATA_VOLUME + "-" + NAME + "-0";
  static final String WAL_CLAIM = ClusterNames.WAL_VOLUME + "-" + NAME + "-0";
  static final String OVERLAY = """
      {"spec": {
        "storage": {
          "data": {"size": "1Gi", "storageClassName": "standard-wffc",
                   "autoGrow": {"enabled": true, "maxSize": "2Gi"}},
          "wal": {"size": "1Gi", "storageClassName": "standard-wffc",
                  "autoGrow": {"enabled": true, "maxSize": "1229Mi"}}},
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
        "postgresql": {"parameters": {"shared_buffers": "64MB", "max_wal_size": "128MB", "min_wal_size": "32MB"}}
      }}""";
  static final double THRESHOLD = 0.80;
  /**
   * How long the kubelet can keep reporting a volume's old size: it measures volumes every
   * volumeStatsAggPeriod (1 minute, the default this node keeps) with a jitter of up to one more
   * period, so up to 2 minutes; the operator reuses a summary for 10 s and looks every 5 s while a
   * volume grows. A state that needs a fresh measurement gets this much per growth step, plus a minute.
   */
  static final Duration STATS_STEP = Duration.ofMinutes(3);

  static KubernetesClient client;
  static Operator operator;
  static String ns;
  static PrometheusMeterRegistry registry;
  static WriteLoad writer;
  static final List<String> numbers = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    client = RealCluster.client();
    RealCluster.installCrds(client);
    ns = RealCluster.createNamespace(client, "autogrow", RealNodeOperator.RESTRICTED);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator = new Operator(o -> InTestJvm.configure(o.withKubernetesClient(client).withCloseClientOnStop(false)));
    operator.register(new TradingDatabaseReconciler(client, Clock.systemUTC(), null, null, "tradingdb-system",
        new DatabaseMetrics(registry)), c -> c.settingNamespaces(Set.of(ns)));
    operator.start();
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("auto-grow numbers:\n  " + String.join("\n  ", numbers));
    if (writer != null) {
      writer.stop();
    }
    if (client != null && ns != null) {
      RealNodeOperator.deleteNamespace(client, ns);
    }
    if (operator != null) {
      InTestJvm.stop(operator);
    }
  }

  @Test
  @Order(1)
  void theClusterRunsOnLoopMountedVolumesOfExactlyTheClaimsSize() throws Exception {
    TradingDatabase db = RealNodeOperator.sample("tradingdatabase-development.yaml", ns, OVERLAY);
    db.getMetadata().setName(NAME);
    client.resource(db).create();
    long t0 = System.nanoTime();
    await().ignoreExceptions().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(status().getPhase()).isEqualTo("Ready"));
    System.out.printf("autogrow: Ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    for (String claim : List.of(DATA_CLAIM, WAL_CLAIM)) {
      Path mount = mountOf(claim);
      long total = Files.getFileStore(mount).getTotalSpace();
      System.out.printf("autogrow: %s is %s, filesystem %d bytes (%s)%n", claim, mount, total, Files.getFileStore(mount).type());
      assertThat(total).as(claim + ": a filesystem of about 1Gi, not the host's disk")
          .isBetween(900L << 20, 1L << 30);
    }
    // status.volumes fills once the kubelet has measured both volumes.
    await().ignoreExceptions().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
        assertThat(status().getVolumes()).extracting(VolumeUsage::getClaim, VolumeUsage::getState)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(DATA_CLAIM, VolumeAutoGrow.OK),
                org.assertj.core.groups.Tuple.tuple(WAL_CLAIM, VolumeAutoGrow.OK)));
    System.out.println("autogrow: status.volumes " + Serialization.asJson(status().getVolumes()));
    sql("CREATE TABLE writes (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
    sql("CREATE TABLE filler (id bigint, payload text)");
    writer = new WriteLoad("autogrow", rwUrl(), login(), "writes");
    writer.awaitWrites(50);
  }

  @Test
  @Order(2)
  void fillingTheDataVolumeThroughPostgresqlGrowsItWhileWritesGoOn() throws Exception {
    Path mount = mountOf(DATA_CLAIM);
    try (FsWatch watch = new FsWatch(mount)) {
      long from = System.nanoTime();
      long initial = watch.first().total();
      // 10 MiB per statement (960-byte rows, below the TOAST threshold, so not compressed) until 82%.
      long id = 0;
      try (Connection c = connect(); Statement st = c.createStatement()) {
        while (watch.last().usedFraction() < THRESHOLD + 0.02) {
          st.execute("INSERT INTO filler SELECT g, repeat(md5(g::text), 30) FROM generate_series(" + id + ", "
              + (id + 9_999) + ") g");
          id += 10_000;
        }
      }
      FsWatch.Sample crossed = watch.firstAtLeast(THRESHOLD);
      System.out.printf("autogrow data: %d rows of filler; %.0f%% full after %.1f s%n", id,
          watch.last().usedFraction() * 100, (crossed.nanos() - from) / 1e9);
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
          .until(() -> watch.last().total() > initial);
      FsWatch.Sample grown = watch.firstAbove(initial);
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName(DATA_CLAIM).get();
      String requested = claim.getSpec().getResources().getRequests().get("storage").toString();
      double reaction = (grown.nanos() - crossed.nanos()) / 1e9;
      writer.awaitWritesAfter(System.nanoTime(), 20);
      WriteLoad.Window w = writer.window(from);
      numbers.add(String.format("data volume: crossed 80%% -> filesystem grown online in %.1f s (%d -> %d bytes, claim %s);"
          + " writes during the fill: longest gap %.3f s, failed transactions %d, %d writes",
          reaction, initial, grown.total(), requested, w.longestGapSeconds(), w.failedTransactions() + w.failedConnects(),
          w.writes()));
      System.out.println("autogrow " + numbers.get(numbers.size() - 1));
      assertThat(requested).isEqualTo("1229Mi");
      // 1229Mi of XFS is about 1165Mi of filesystem (its log and metadata), up from 960Mi.
      assertThat(grown.total()).isGreaterThan(initial + (150L << 20));
      assertThat(w.failedTransactions() + w.failedConnects()).as("no write failed while the volume grew").isZero();
      assertThat(events("VolumeAutoGrow")).anyMatch(m -> m.startsWith(DATA_CLAIM + " is ") && m.endsWith("to 1229Mi"));
      // Up to two growth steps, each settled only by a fresh measurement of the kubelet.
      await().ignoreExceptions().atMost(STATS_STEP.multipliedBy(2)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
        VolumeUsage usage = usage(DATA_CLAIM);
        // A fill that overshot (run 2: 99% before the first step landed) is still past 80% of 1165Mi: a second step.
        assertThat(usage.getRequested()).isIn("1229Mi", "1475Mi");
        assertThat(usage.getState()).isEqualTo(VolumeAutoGrow.OK);
        assertThat(status().getPhase()).isEqualTo("Ready");
      });
      System.out.printf("autogrow data: Ok again %.1f s after the filesystem first grew; status %s%n",
          (System.nanoTime() - grown.nanos()) / 1e9, Serialization.asJson(usage(DATA_CLAIM)));
    }
  }

  @Test
  @Order(3)
  void walPilingUpGrowsTheWalVolumeThenStopsAtItsMaximumWithDegradedAnEventAndTheAlert() throws Exception {
    Path mount = mountOf(WAL_CLAIM);
    try (FsWatch watch = new FsWatch(mount)) {
      long from = System.nanoTime();
      long initial = watch.first().total();
      // Nothing may recycle WAL any more: a slot that reserves it from now on, as a failing archive_command would.
      sql("SELECT pg_create_physical_replication_slot('autogrow_blocker', true)");
      int switches = 0;
      try (Connection c = connect(); Statement st = c.createStatement()) {
        while (watch.last().usedFraction() < THRESHOLD + 0.02) {
          st.execute("INSERT INTO filler VALUES (-1, 'wal'); SELECT pg_switch_wal()");
          switches++;
        }
        FsWatch.Sample crossed = watch.firstAtLeast(THRESHOLD);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> watch.last().total() > initial);
        FsWatch.Sample grown = watch.firstAbove(initial);
        numbers.add(String.format("WAL volume: %d WAL switches behind a slot, crossed 80%% -> filesystem grown online in %.1f s"
            + " (%d -> %d bytes)", switches, (grown.nanos() - crossed.nanos()) / 1e9, initial, grown.total()));
        System.out.println("autogrow " + numbers.get(numbers.size() - 1));
        assertThat(client.persistentVolumeClaims().inNamespace(ns).withName(WAL_CLAIM).get().getSpec().getResources()
            .getRequests().get("storage").toString()).isEqualTo("1229Mi");

        // 1229Mi is the WAL volume's maxSize: past 80% again it cannot grow.
        while (watch.last().usedFraction() < THRESHOLD + 0.02) {
          st.execute("INSERT INTO filler VALUES (-1, 'wal'); SELECT pg_switch_wal()");
          switches++;
        }
      }
      FsWatch.Sample full = watch.firstAtLeast(THRESHOLD);
      await().ignoreExceptions().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        TradingDatabaseStatus s = status();
        assertThat(s.getPhase()).isEqualTo("Degraded");
        assertThat(condition(s, Conditions.DEGRADED).getReason()).isEqualTo("VolumeCannotGrow");
      });
      double toDegraded = (System.nanoTime() - full.nanos()) / 1e9;
      String message = condition(status(), Conditions.DEGRADED).getMessage();
      System.out.println("autogrow WAL at maximum: Degraded/VolumeCannotGrow: " + message);
      assertThat(message).startsWith(WAL_CLAIM + " is ").endsWith("cannot grow: it is at spec.storage.wal.autoGrow.maxSize 1229Mi");
      assertThat(usage(WAL_CLAIM).getState()).isEqualTo(VolumeAutoGrow.AT_MAXIMUM);
      assertThat(events("VolumeCannotGrow")).contains(message);

      // The series the operator emits, as Prometheus scrapes it, makes the rule it writes fire.
      String series = registry.scrape().lines()
          .filter(l -> l.startsWith(DatabaseMetrics.VOLUME_CANNOT_GROW + "{") && l.contains(WAL_CLAIM)).findFirst().orElseThrow();
      System.out.println("autogrow scraped: " + series);
      assertThat(series).endsWith(" 1.0");
      String fired = promtoolFires(series.substring(0, series.lastIndexOf(' ')));
      numbers.add(String.format("WAL volume at maxSize: crossed 80%% -> Degraded/VolumeCannotGrow in %.1f s; %s", toDegraded, fired));
      WriteLoad.Window w = writer.window(from);
      numbers.add(String.format("writes while WAL piled up: longest gap %.3f s, failed transactions %d, %d writes",
          w.longestGapSeconds(), w.failedTransactions() + w.failedConnects(), w.writes()));
      assertThat(w.failedTransactions() + w.failedConnects()).isZero();

      // Freed again: the slot goes, a checkpoint recycles the WAL, and the cluster is Ready.
      sql("SELECT pg_drop_replication_slot('autogrow_blocker')");
      sql("CHECKPOINT");
      await().ignoreExceptions().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        assertThat(status().getPhase()).isEqualTo("Ready");
        assertThat(usage(WAL_CLAIM).getState()).isEqualTo(VolumeAutoGrow.OK);
      });
      assertThat(registry.scrape()).contains(series.substring(0, series.lastIndexOf(' ')) + " 0.0");
    }
  }

  /** Runs promtool's rule unit test: the operator's alert over exactly this series fires with its labels. */
  static String promtoolFires(String series) throws Exception {
    LocalProcesses.requireBinary("/usr/bin/promtool", "prometheus");
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get();
    ClusterModel model = ClusterModel.from(db);
    Path dir = Files.createTempDirectory("tradingdb-autogrow-promtool");
    try {
      Files.writeString(dir.resolve("rules.yaml"), Serialization.asYaml(Map.of("groups", PrometheusRuleBuilder.groups(model))));
      Files.writeString(dir.resolve("tests.yaml"), """
          rule_files: [rules.yaml]
          evaluation_interval: 1m
          tests:
            - interval: 1m
              input_series:
                - series: '%s'
                  values: '1x5'
              alert_rule_test:
                - eval_time: 2m
                  alertname: TradingDbVolumeCannotGrow
                  exp_alerts:
                    - exp_labels:
                        severity: critical
                        namespace: %s
                        tradingdatabase: %s
                        tradingdatabase_namespace: %s
                        persistentvolumeclaim: %s
                        volume: wal
                      exp_annotations:
                        summary: '%s'
                        description: '%s'
          """.formatted(series.replace("'", "''"), ns, NAME, ns, WAL_CLAIM, annotation(model, "summary"),
              annotation(model, "description").replace("{{ $labels.persistentvolumeclaim }}", WAL_CLAIM)
                  .replace("{{ $labels.volume }}", "wal").replace("'", "''")));
      String out = LocalProcesses.run(List.of("/usr/bin/promtool", "test", "rules", dir.resolve("tests.yaml").toString()));
      assertThat(out).contains("SUCCESS");
      return "promtool: TradingDbVolumeCannotGrow fires on the scraped series";
    } finally {
      LocalProcesses.deleteTree(dir);
    }
  }

  @SuppressWarnings("unchecked")
  static String annotation(ClusterModel model, String key) {
    List<Map<String, Object>> rules = (List<Map<String, Object>>) PrometheusRuleBuilder.groups(model).get(0).get("rules");
    Map<String, Object> rule = rules.stream().filter(r -> "TradingDbVolumeCannotGrow".equals(r.get("alert"))).findFirst().orElseThrow();
    return String.valueOf(((Map<String, Object>) rule.get("annotations")).get(key));
  }

  // ---- helpers

  static TradingDatabaseStatus status() {
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(ns).withName(NAME).get();
    return db == null || db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
  }

  static Condition condition(TradingDatabaseStatus s, String type) {
    return Conditions.find(s.getConditions(), type).orElse(new Condition());
  }

  static VolumeUsage usage(String claim) {
    return status().getVolumes().stream().filter(v -> claim.equals(v.getClaim())).findFirst().orElseThrow();
  }

  static List<String> events(String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).map(Event::getMessage).toList();
  }

  /** The PV's mount point on this machine (the real node's local volume). */
  static Path mountOf(String claim) {
    String pv = client.persistentVolumeClaims().inNamespace(ns).withName(claim).get().getSpec().getVolumeName();
    return Path.of(client.persistentVolumes().withName(pv).get().getSpec().getLocal().getPath());
  }

  static Properties login() {
    var secret = client.secrets().inNamespace(ns).withName(NAME + "-superuser").get();
    Properties props = new Properties();
    props.setProperty("user", RealNodeOperator.decodeString(secret, "username"));
    props.setProperty("password", RealNodeOperator.decodeString(secret, "password"));
    return props;
  }

  static String rwUrl() {
    String ip = client.services().inNamespace(ns).withName(NAME + "-rw").get().getSpec().getClusterIP();
    return "jdbc:postgresql://" + ip + ":" + ClusterNames.POSTGRES_PORT + "/ai_trading?sslmode=require&connectTimeout=5&socketTimeout=120";
  }

  static Connection connect() throws Exception {
    return DriverManager.getConnection(rwUrl(), login());
  }

  static void sql(String sql) throws Exception {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** statfs of a mount every 200 ms: what the filesystem really holds, without the kubelet's delay. */
  static final class FsWatch implements AutoCloseable {
    record Sample(long nanos, long total, long used) {
      double usedFraction() {
        return total == 0 ? 0 : (double) used / total;
      }
    }

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    FsWatch(Path mount) throws Exception {
      sample(mount);
      thread = new Thread(() -> {
        while (running.get()) {
          try {
            sample(mount);
            Thread.sleep(200);
          } catch (Exception e) {
            return;
          }
        }
      }, "fs-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void sample(Path mount) throws Exception {
      var store = Files.getFileStore(mount);
      long total = store.getTotalSpace();
      samples.add(new Sample(System.nanoTime(), total, total - store.getUnallocatedSpace()));
    }

    Sample first() { return samples.get(0); }
    Sample last() { return samples.get(samples.size() - 1); }

    Sample firstAtLeast(double fraction) {
      return samples.stream().filter(s -> s.usedFraction() >= fraction).findFirst().orElseThrow();
    }

    Sample firstAbove(long total) {
      return samples.stream().filter(s -> s.total() > total).findFirst().orElseThrow();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }
  }
}
