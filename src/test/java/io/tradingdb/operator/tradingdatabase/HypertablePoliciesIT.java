package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TimescaleSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.postgres.AdminConnection;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.PostgresCredentials;
import io.tradingdb.operator.testsupport.PostgresServer;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.tradingdatabase.status.CheckOutcome;
import io.tradingdb.operator.tradingdatabase.status.PolicyOutcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * spec.timescaledb.hypertables against a real TimescaleDB (full build, tsl/ included): policies are
 * added, kept (a policy removed by hand returns), removed when the spec drops them; the scheduler's
 * own runs are recorded as succeeded; the jobs really drop and compress chunks; a failing job makes
 * the cluster Degraded. Here against the host's PostgreSQL 15 with TimescaleDB 2.28.3;
 * {@link io.tradingdb.operator.e2e.HypertablePoliciesOnRealNodeIT} runs the same tests against a pod
 * of the timescaledb-ha stand-in image (PostgreSQL 17, TimescaleDB 2.29.2).
 */
@EnableKubernetesMockClient(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class HypertablePoliciesIT {

  static KubernetesClient client;
  PostgresServer server;
  String database;
  final PostgresConnections connections = new PostgresConnections();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Ticks every 10 minutes for three symbols over the last 40 days. */
  static final int DAYS = 40;
  static final int PER_DAY = 144 * 3;

  /** The PostgreSQL with TimescaleDB under test. */
  protected PostgresServer startServer() throws Exception {
    return TestPostgres.server();
  }

  protected void stopServer() throws Exception {}

  @BeforeAll
  protected void createTicks() throws Exception {
    server = startServer();
    database = server.createDatabase("tsdb");
    try (Connection c = server.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION timescaledb");
      s.execute("CREATE TABLE ticks (time timestamptz NOT NULL, symbol text NOT NULL, price double precision)");
      s.execute("SELECT create_hypertable('ticks', by_range('time', INTERVAL '1 day'))");
      s.execute("INSERT INTO ticks SELECT t, sym, 100 + random() FROM generate_series("
          + "date_trunc('minute', now()) - INTERVAL '" + DAYS + " days' + INTERVAL '10 minutes',"
          + " date_trunc('minute', now()), INTERVAL '10 minutes') t, unnest(ARRAY['AAPL', 'MSFT', 'NVDA']) sym");
    }
  }

  @AfterAll
  protected void dropDatabase() throws Exception {
    try {
      connections.close();
      if (database != null) {
        server.dropDatabase(database);
      }
    } finally {
      stopServer();
    }
  }

  @Test
  protected void policiesAreDeclaredKeptAndDoTheirJob() throws Exception {
    long total = scalar("SELECT count(*) FROM ticks");
    assertThat(total).isEqualTo((long) DAYS * PER_DAY);
    TradingDatabase db = cluster(ticks("30d", "7d"), table("quotes"));
    DatabaseChecks checks = checks();

    // First round: the policies of ticks are created; quotes does not exist yet.
    CheckOutcome first = checks.run(db, ClusterModel.from(db), null);
    assertThat(first.error()).isNull();
    assertThat(first.policies().executed()).isEqualTo(4);
    assertThat(first.policies().reason()).isEqualTo(PolicyOutcome.OBJECT_MISSING);
    assertThat(first.policies().retrySoon()).isTrue();
    TradingDatabaseStatus status = status(db, first);
    var condition = Conditions.find(status.getConditions(), ClusterStatus.TIMESCALE_POLICIES).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("ObjectMissing");
    assertThat(condition.getMessage()).isEqualTo("public.quotes is not a hypertable yet; retried every 30s");
    assertThat(state(status, "ticks")).isEqualTo("Applied");
    assertThat(state(status, "quotes")).isEqualTo("ObjectMissing");
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'ticks'"
        + " AND proc_name = 'policy_retention' AND config->>'drop_after' = '30 days'")).isEqualTo(1);
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'ticks'"
        + " AND proc_name = 'policy_compression' AND config->>'compress_after' = '7 days'")).isEqualTo(1);
    assertThat(scalar("SELECT extract(epoch FROM time_interval)::bigint FROM timescaledb_information.dimensions"
        + " WHERE hypertable_name = 'ticks'")).isEqualTo(Duration.ofHours(12).toSeconds());
    assertThat(text("SELECT segmentby || ' / ' || orderby FROM timescaledb_information.hypertable_compression_settings"
        + " WHERE hypertable = 'ticks'::regclass")).isEqualTo("symbol / \"time\" DESC");
    db.setStatus(status);

    // Nothing differs: nothing executed.
    CheckOutcome same = checks.run(db, ClusterModel.from(db), null);
    assertThat(same.policies().executed()).isZero();

    // A retention policy removed by hand comes back.
    exec("SELECT remove_retention_policy('ticks')");
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'"))
        .isZero();
    CheckOutcome restored = checks.run(db, ClusterModel.from(db), null);
    assertThat(restored.policies().executed()).isEqualTo(1);
    int retentionJob = (int) scalar("SELECT job_id FROM timescaledb_information.jobs"
        + " WHERE hypertable_name = 'ticks' AND proc_name = 'policy_retention'");
    int compressionJob = (int) scalar("SELECT job_id FROM timescaledb_information.jobs"
        + " WHERE hypertable_name = 'ticks' AND proc_name = 'policy_compression'");

    // TimescaleDB's scheduler runs new policy jobs at once; let those first runs finish so that the
    // runs below are the only ones touching the table. They are the scheduler's own runs (CALL run_job
    // records nothing in job_stats) and they succeed: testenv/patches/timescaledb/job-portal-done.patch.
    awaitFinishedRun(retentionJob);
    awaitFinishedRun(compressionJob);
    assertScheduledRunsSucceeded(retentionJob);
    assertScheduledRunsSucceeded(compressionJob);
    // So does TimescaleDB's own job-history retention (job 3), which the scheduler runs at start.
    awaitFinishedRun(3);
    assertScheduledRunsSucceeded(3);

    // Retention: old ticks (written late, e.g. a backfill) are gone after the job runs.
    exec("INSERT INTO ticks SELECT t, sym, 100 FROM generate_series(now() - INTERVAL '40 days',"
        + " now() - INTERVAL '32 days', INTERVAL '10 minutes') t, unnest(ARRAY['AAPL', 'MSFT', 'NVDA']) sym");
    assertThat(scalar("SELECT count(*) FROM ticks WHERE time < now() - INTERVAL '31 days'")).isPositive();
    long kept = scalar("SELECT count(*) FROM ticks WHERE time >= (SELECT min(range_start)"
        + " FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks' AND range_end > now() - INTERVAL '30 days')");
    exec("CALL run_job(" + retentionJob + ")");
    assertThat(scalar("SELECT count(*) FROM ticks WHERE time < now() - INTERVAL '31 days'")).isZero();
    long afterRetention = scalar("SELECT count(*) FROM ticks");
    assertThat(afterRetention).isEqualTo(kept).isLessThan(total);

    // Compression: chunks past 7 days that are not compressed (here: decompressed by hand) are compressed.
    exec("SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('ticks', older_than => INTERVAL '7 days') c");
    long uncompressedOld = scalar("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"
        + " AND NOT is_compressed AND range_end < now() - INTERVAL '7 days'");
    assertThat(uncompressedOld).isPositive();
    exec("CALL run_job(" + compressionJob + ")");
    long compressed = scalar("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"
        + " AND is_compressed");
    assertThat(compressed).isGreaterThanOrEqualTo(uncompressedOld);
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"
        + " AND NOT is_compressed AND range_end < now() - INTERVAL '7 days'")).isZero();
    // The newest chunks stay row-store.
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'"
        + " AND NOT is_compressed")).isPositive();
    // Queries read compressed and uncompressed chunks alike: the counts are unchanged.
    assertThat(scalar("SELECT count(*) FROM ticks")).isEqualTo(afterRetention);
    assertThat(scalar("SELECT count(*) FROM ticks WHERE symbol = 'MSFT'")).isEqualTo(afterRetention / 3);
    System.out.printf("hypertable policies: %d of %d ticks kept after retention, %d chunks compressed%n",
        afterRetention, total, compressed);

    // quotes appears: every declared table has its policies.
    exec("CREATE TABLE quotes (time timestamptz NOT NULL, symbol text, bid numeric, ask numeric)");
    exec("SELECT create_hypertable('quotes', by_range('time'))");
    CheckOutcome complete = checks.run(db, ClusterModel.from(db), null);
    assertThat(complete.policies().retrySoon()).as(complete.policies().message()).isFalse();
    status = status(db, complete);
    assertThat(Conditions.isTrue(status.getConditions(), ClusterStatus.TIMESCALE_POLICIES)).isTrue();
    assertThat(state(status, "quotes")).isEqualTo("Applied");
    db.setStatus(status);

    // The status carries each job's last run as job_stats has it (the scheduler's first runs).
    HypertableStatus ticks = complete.policies().tables().get(0);
    assertThat(ticks.getPolicies()).extracting(HypertableStatus.PolicyJob::getPolicy)
        .containsExactlyInAnyOrder("retention", "compression");
    HypertableStatus.PolicyJob retention = ticks.getPolicies().stream()
        .filter(p -> p.getPolicy().equals("retention")).findFirst().orElseThrow();
    assertThat(retention.getJobId()).isEqualTo(retentionJob);
    assertThat(retention.getLastResult()).isEqualTo("Success").isEqualTo(
        text("SELECT last_run_status FROM timescaledb_information.job_stats WHERE job_id = " + retentionJob));
    assertThat(retention.getLastRun()).isNotNull();

    // A job that fails on its run: Degraded with the reason, and the alert's metric says 1.
    long failures = scalar("SELECT total_failures FROM timescaledb_information.job_stats WHERE job_id = " + retentionJob);
    // The job cannot get its lock on the table within its 1 s max_runtime.
    exec("INSERT INTO ticks VALUES (now() - INTERVAL '35 days', 'AAPL', 1)");
    try (Connection holder = server.connectAsAdmin(database); Statement lock = holder.createStatement()) {
      holder.setAutoCommit(false);
      lock.execute("LOCK TABLE ticks IN ACCESS EXCLUSIVE MODE");
      exec("SELECT alter_job(" + retentionJob + ", max_runtime => INTERVAL '1 second', next_start => now())");
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> scalar(
          "SELECT total_failures FROM timescaledb_information.job_stats WHERE job_id = " + retentionJob) > failures);
      holder.rollback();
    }
    CheckOutcome failing = checks.run(db, ClusterModel.from(db), null);
    assertThat(failing.policies().reason()).isEqualTo(PolicyOutcome.JOB_FAILED);
    status = status(db, failing);
    assertThat(status.getPhase()).isEqualTo("Degraded");
    var degraded = Conditions.find(status.getConditions(), Conditions.DEGRADED).orElseThrow();
    assertThat(degraded.getReason()).isEqualTo("TimescaleJobFailed");
    assertThat(degraded.getMessage()).contains("retention job " + retentionJob);
    assertThat(registry.find("tradingdb_timescaledb_policy_job_failed")
        .tags("hypertable", "public.ticks", "policy", "retention").gauge().value()).isEqualTo(1.0);
    db.setStatus(status);

    // The spec drops ticks' retention and the whole quotes entry: their policies go.
    long quotesJobs = scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'quotes'");
    assertThat(quotesJobs).isEqualTo(2);
    TradingDatabase reduced = cluster(ticks(null, "7d"));
    reduced.setStatus(status);
    CheckOutcome dropped = checks.run(reduced, ClusterModel.from(reduced), null);
    assertThat(dropped.policies().executed()).isEqualTo(3);
    assertThat(dropped.policies().reason()).isEqualTo(PolicyOutcome.APPLIED);
    assertThat(dropped.policies().tables()).extracting(HypertableStatus::getName).containsExactly("ticks");
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'quotes'")).isZero();
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'ticks'"
        + " AND proc_name = 'policy_retention'")).isZero();
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_name = 'ticks'"
        + " AND proc_name = 'policy_compression'")).isEqualTo(1);
  }

  /** Every run of the job so far was the scheduler's, and none failed (job_stats and job_history agree). */
  private void assertScheduledRunsSucceeded(int job) throws SQLException {
    assertThat(text("SELECT last_run_status || ', ' || total_failures || ' failed, ' || job_status"
        + " FROM timescaledb_information.job_stats WHERE job_id = " + job))
        .as("job %d: %s", job, lastError(job)).isEqualTo("Success, 0 failed, Scheduled");
    assertThat(scalar("SELECT total_successes FROM timescaledb_information.job_stats WHERE job_id = " + job)).isPositive();
    assertThat(scalar("SELECT count(*) FROM timescaledb_information.job_history WHERE job_id = " + job
        + " AND NOT succeeded")).isZero();
  }

  private String lastError(int job) throws SQLException {
    return text("SELECT string_agg(err_message, '; ') FROM timescaledb_information.job_errors WHERE job_id = " + job);
  }

  private void awaitFinishedRun(int job) {
    Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
        "t".equals(text("SELECT total_runs >= 1 AND job_status <> 'Running' FROM timescaledb_information.job_stats"
            + " WHERE job_id = " + job)));
  }

  static HypertableSpec ticks(String dropAfter, String compressAfter) {
    HypertableSpec h = table("ticks");
    h.setChunkInterval("12h");
    if (dropAfter != null) {
      h.setRetention(new HypertableSpec.Retention());
      h.getRetention().setDropAfter(dropAfter);
    }
    h.setCompression(new HypertableSpec.Compression());
    h.getCompression().setAfter(compressAfter);
    h.getCompression().setSegmentBy(List.of("symbol"));
    HypertableSpec.OrderBy time = new HypertableSpec.OrderBy();
    time.setColumn("time");
    time.setDescending(true);
    h.getCompression().setOrderBy(List.of(time));
    return h;
  }

  static HypertableSpec table(String name) {
    HypertableSpec h = new HypertableSpec();
    h.setName(name);
    if (!name.equals("ticks")) {
      h.setRetention(new HypertableSpec.Retention());
      h.getRetention().setDropAfter("90d");
      h.setCompression(new HypertableSpec.Compression());
      h.getCompression().setAfter("2d");
    }
    return h;
  }

  TradingDatabase cluster(HypertableSpec... tables) {
    return cluster(database, tables);
  }

  static TradingDatabase cluster(String database, HypertableSpec... tables) {
    TradingDatabase db = Samples.tradingDatabase("trading", "ts");
    db.getMetadata().setGeneration(1L);
    db.getSpec().setDatabaseName(database);
    db.getSpec().setMonitoring(new MonitoringSpec());
    db.getSpec().getMonitoring().setEnabled(false);
    db.getSpec().setTimescaledb(new TimescaleSpec());
    db.getSpec().getTimescaledb().setHypertables(List.of(tables));
    return db;
  }

  DatabaseChecks checks() {
    return new DatabaseChecks(client, connections, Clock.systemUTC(), m -> local(), new DatabaseMetrics(registry));
  }

  static TradingDatabaseStatus status(TradingDatabase db, CheckOutcome outcome) {
    ClusterModel model = ClusterModel.from(db);
    var sts = new StatefulSetBuilder().withNewMetadata().withName(model.names().statefulSet()).withGeneration(1L)
        .endMetadata().withNewStatus().withReplicas(model.instances()).withReadyReplicas(model.instances())
        .withObservedGeneration(1L).withCurrentRevision("a").withUpdateRevision("a").endStatus().build();
    var primary = new PodBuilder().withNewMetadata().withName(model.names().statefulSet() + "-0")
        .withLabels(Map.of("role", "primary")).endMetadata().build();
    return ClusterStatus.compute(db, model, new ClusterStatus.Observed(sts, List.of(primary), List.of()), outcome,
        Clock.systemUTC());
  }

  static String state(TradingDatabaseStatus status, String table) {
    return status.getHypertables().stream().filter(h -> h.getName().equals(table)).findFirst().orElseThrow()
        .getState();
  }

  AdminConnection local() {
    return new AdminConnection(
        new ConnectionTarget(server.host(), server.port(), database, "disable",
            "superuser", "username", "password", null, null, null, 0),
        new PostgresCredentials(server.adminUser(), server.adminPassword()), null);
  }

  void exec(String sql) throws SQLException {
    try (Connection c = server.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  long scalar(String sql) throws SQLException {
    try (Connection c = server.connectAsAdmin(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String text(String sql) throws SQLException {
    try (Connection c = server.connectAsAdmin(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
