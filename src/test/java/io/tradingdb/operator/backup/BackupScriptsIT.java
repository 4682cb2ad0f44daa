package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.CompressionAlgorithm;
import io.tradingdb.operator.api.v1alpha1.backupschedule.DumpFormat;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgDumpSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.VerificationSpec;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backup, restore and verify scripts, run exactly as the Job runs them, against the real
 * PostgreSQL with the real pg_dump/pg_restore, and a real S3 server (s3proxy) on loopback.
 */
class BackupScriptsIT {

  private static final String BUCKET = "trading-backups";
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static S3TestServer s3;
  private static String source;
  private static final List<String> databases = new ArrayList<>();
  private static BackupScriptRunner runner;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = new S3TestServer(Files.createDirectories(temp.resolve("s3")));
    s3.createBucket(BUCKET);
    source = newDatabase("bk_source");
    TradingDataset.create(source, 20_000);
    runner = new BackupScriptRunner(temp, Map.of(
        BackupSchedules.PG_SECRET, Map.of("username", TestPostgres.adminUser(), "password", TestPostgres.adminPassword()),
        BackupSchedules.S3_SECRET, Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY)));
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (String db : databases) {
      TestPostgres.dropDatabase(db);
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void backupToS3AppliesRetentionAndRestoresTheSameContents() throws Exception {
    String prefix = "trading/nightly";
    Instant now = Instant.now();
    // Older backups: 1, 2 and 3 days (complete), 10 days (complete) and an incomplete one.
    for (int days : new int[] {1, 2, 3, 10}) {
      String id = ID.format(now.minus(days, ChronoUnit.DAYS));
      putObject(prefix + "/" + id + "/dump.pgdump.gz", "old dump");
      putObject(prefix + "/" + id + "/manifest.json", "{\"name\":\"" + id + "\"}");
    }
    BackupSchedule schedule = schedule("nightly");
    BackupSchedules.s3(schedule, s3.endpoint(), BUCKET, prefix);
    BackupSchedules.retention(schedule, "7d", 3);
    BackupModel model = model(schedule);

    BackupScriptRunner.Run run = runner.run(backupContainer(model), model, Map.of());

    assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
    JsonNode result = run.result();
    String id = result.get("name").asText();
    String dumpKey = prefix + "/" + id + "/dump.pgdump.gz";
    byte[] stored = getObject(dumpKey);
    assertThat(result.get("location").asText()).isEqualTo("s3://" + BUCKET + "/" + dumpKey);
    assertThat(result.get("sizeBytes").asLong()).isEqualTo(stored.length);
    assertThat(result.get("checksum").asText()).isEqualTo(sha256(stored));
    assertThat(result.get("tableRowCounts").toString())
        .isEqualTo("{\"Trading Desk.Orders\":500,\"public.instruments\":50,\"public.market_ticks\":20000,\"public.odd\\\"name\":2}");
    assertThat(JSON.readTree(run.terminationMessage())).isEqualTo(result);
    // maxCount 3 keeps the new one and the 1- and 2-day-old ones; 3 days goes by count, 10 by age.
    assertThat(backupIds(prefix)).containsExactly(
        ID.format(now.minus(2, ChronoUnit.DAYS)), ID.format(now.minus(1, ChronoUnit.DAYS)), id);
    assertThat(result.at("/retention/deleted")).hasSize(2);
    JsonNode manifest = JSON.readTree(getObject(prefix + "/" + id + "/manifest.json"));
    assertThat(manifest.get("checksum").asText()).isEqualTo(sha256(stored));
    assertThat(manifest.get("format").asText()).isEqualTo("custom");

    String restored = newDatabase("bk_restored");
    BackupScriptRunner.Run restore = runner.run(restoreContainer(model, restored), model, Map.of());

    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    assertThat(restore.result().get("name").asText()).isEqualTo(id);
    assertThat(TradingDataset.fingerprint(restored)).isEqualTo(TradingDataset.fingerprint(source));
  }

  @ParameterizedTest(name = "{0} format, {1} level {2}, {3} jobs, on a volume")
  @CsvSource({"CUSTOM,ZSTD,5,1", "DIRECTORY,LZ4,1,2", "PLAIN,GZIP,1,1", "CUSTOM,NONE,,1"})
  void everyFormatAndCompressionRestores(DumpFormat format, CompressionAlgorithm algorithm, Integer level, int jobs)
      throws Exception {
    BackupSchedule schedule = schedule("formats");
    BackupSchedules.pvc(schedule, "backups", "formats/" + format + "-" + algorithm);
    BackupSchedules.dump(schedule, format, algorithm, level, jobs);
    BackupModel model = model(schedule);

    BackupScriptRunner.Run run = runner.run(backupContainer(model), model, Map.of());
    assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
    Path dump = runner.volume().resolve("formats/" + format + "-" + algorithm)
        .resolve(run.result().get("name").asText());
    assertThat(Files.list(dump).map(p -> p.getFileName().toString()).sorted())
        .containsExactly(expectedDumpFile(format, algorithm), "manifest.json");

    String restored = newDatabase("bk_fmt");
    BackupScriptRunner.Run restore = runner.run(restoreContainer(model, restored), model, Map.of());
    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    assertThat(TradingDataset.fingerprint(restored)).isEqualTo(TradingDataset.fingerprint(source));
  }

  @Test
  void aTableSelectionBringsThePartitionsAlong() throws Exception {
    BackupSchedule schedule = schedule("ticks-only");
    BackupSchedules.pvc(schedule, "backups", "ticks-only");
    PgDumpSpec dump = new PgDumpSpec();
    dump.setTables(List.of("instruments", "public.market_ticks"));
    schedule.getSpec().setPgDump(dump);
    BackupModel model = model(schedule);

    BackupScriptRunner.Run run = runner.run(backupContainer(model), model, Map.of());
    assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
    assertThat(run.result().get("tableRowCounts").toString())
        .isEqualTo("{\"public.instruments\":50,\"public.market_ticks\":20000}");

    String restored = newDatabase("bk_ticks");
    BackupScriptRunner.Run restore = runner.run(restoreContainer(model, restored), model, Map.of());
    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    assertThat(TradingDataset.count(restored, "public", "market_ticks")).isEqualTo(20_000);
    assertThat(TradingDataset.count(restored, "public", "market_ticks_2026_03")).isPositive();
  }

  @Test
  void restoreIntoTheExistingDatabaseWithCleanPutsBackTheBackedUpContents() throws Exception {
    String database = newDatabase("bk_inplace");
    TradingDataset.create(database, 2_000);
    Map<String, String> before = TradingDataset.fingerprint(database);
    BackupSchedule schedule = schedule("inplace");
    schedule.getSpec().getTarget().getExternal().setDatabase(database);
    BackupSchedules.pvc(schedule, "backups", "inplace");
    BackupModel model = model(schedule);
    assertThat(runner.run(backupContainer(model), model, Map.of()).succeeded()).isTrue();

    TradingDataset.execute(database, "DELETE FROM market_ticks WHERE instrument_id < 10");
    TradingDataset.execute(database, "INSERT INTO instruments VALUES (999, 'NEW', 'added after the backup')");
    assertThat(TradingDataset.fingerprint(database)).isNotEqualTo(before);

    BackupScriptRunner.Run restore = runner.run(restoreContainer(model, null), model, Map.of());
    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    assertThat(TradingDataset.fingerprint(database)).isEqualTo(before);
  }

  @Test
  void verificationRestoresIntoAScratchDatabaseAndComparesRowCounts() throws Exception {
    BackupSchedule schedule = schedule("verified");
    BackupSchedules.s3(schedule, s3.endpoint(), BUCKET, "trading/verified");
    VerificationSpec verification = new VerificationSpec();
    verification.setEnabled(true);
    verification.setExpectedTables(List.of("instruments", "market_ticks", "Trading Desk.Orders"));
    schedule.getSpec().setVerification(verification);
    BackupModel model = model(schedule);
    BackupScriptRunner.Run backup = runner.run(backupContainer(model), model, Map.of());
    assertThat(backup.succeeded()).as(backup.stdout() + backup.stderr()).isTrue();
    String id = backup.result().get("name").asText();

    BackupScriptRunner.Run verify = runner.run(verifyContainer(model), model, Map.of());
    assertThat(verify.succeeded()).as(verify.stdout() + verify.stderr()).isTrue();
    assertThat(verify.result().get("kind").asText()).isEqualTo("verification");
    assertThat(verify.result().get("backup").asText()).isEqualTo(id);
    assertThat(verify.result().get("message").asText()).contains("4 tables", "20552 rows");
    assertThat(databaseExists(model.verification().scratchDatabase())).as("scratch database dropped").isFalse();

    // A manifest that disagrees with the dump's contents must fail the check.
    String manifestKey = "trading/verified/" + id + "/manifest.json";
    JsonNode manifest = JSON.readTree(getObject(manifestKey));
    ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("tableRowCounts")).put("public.instruments", 51);
    putObject(manifestKey, manifest.toString());
    BackupScriptRunner.Run mismatch = runner.run(verifyContainer(model), model, Map.of());
    assertThat(mismatch.exitCode()).isNotZero();
    assertThat(mismatch.reason()).isEqualTo("RowCountMismatch");
    assertThat(mismatch.result().get("message").asText()).contains("public.instruments: backup 51, restored 50");

    verification.setExpectedTables(List.of("instruments", "positions"));
    BackupModel missingTable = model(schedule);
    BackupScriptRunner.Run missing = runner.run(verifyContainer(missingTable), missingTable, Map.of());
    assertThat(missing.reason()).isEqualTo("MissingTables");
    assertThat(missing.result().get("message").asText()).contains("public.positions");
  }

  @Test
  void ownersAndGrantsAreRestoredWhenTheirRolesExistAndReportedWhenTheyDoNot() throws Exception {
    // A table owned by an application role and granted to a second one: pg_dump keeps both names,
    // not the roles. A new cluster has neither until DbUsers make them.
    String suffix = Long.toString(System.nanoTime() % 1_000_000);
    String owner = "bk_owner_" + suffix;
    String reader = "bk_reader_" + suffix;
    String database = newDatabase("bk_owned");
    TradingDataset.execute(database, "CREATE ROLE " + owner + " NOLOGIN; CREATE ROLE " + reader + " NOLOGIN;"
        + " CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'o' || g FROM generate_series(1, 300) g;"
        + " ALTER TABLE orders OWNER TO " + owner + "; GRANT SELECT ON orders TO " + reader);
    try {
      BackupSchedule schedule = BackupSchedules.external("owned", TestPostgres.host(), TestPostgres.port(), database);
      BackupSchedules.pvc(schedule, "backups", "owned");
      BackupModel model = model(schedule);
      BackupScriptRunner.Run backup = runner.run(backupContainer(model), model, Map.of());
      assertThat(backup.succeeded()).as(backup.stdout() + backup.stderr()).isTrue();

      String withRoles = newDatabase("bk_owned_roles");
      BackupScriptRunner.Run kept = runner.run(restoreContainer(model, withRoles), model, Map.of());
      assertThat(kept.succeeded()).as(kept.stdout() + kept.stderr()).isTrue();
      assertThat(kept.result().get("ownersRestored").asBoolean()).isTrue();
      assertThat(kept.result().get("rolesMissing")).isEmpty();
      assertThat(scalar(withRoles, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).isEqualTo(owner);
      assertThat(scalar(withRoles, "SELECT has_table_privilege('" + reader + "', 'orders', 'SELECT')::text")).isEqualTo("true");

      // The same backup into a server where the roles are gone, as in a new cluster.
      for (String role : List.of(owner, reader)) {
        for (String db : List.of(database, withRoles)) {
          TradingDataset.execute(db, "REASSIGN OWNED BY " + role + " TO CURRENT_USER; DROP OWNED BY " + role);
        }
        TradingDataset.execute(database, "DROP ROLE " + role);
      }
      String without = newDatabase("bk_owned_noroles");
      BackupScriptRunner.Run restore = runner.run(restoreContainer(model, without), model, Map.of());
      assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
      assertThat(restore.result().get("ownersRestored").asBoolean()).isFalse();
      assertThat(restore.result().get("rolesMissing").toString()).isEqualTo("[\"" + owner + "\",\"" + reader + "\"]");
      assertThat(restore.stderr()).contains("roles missing here: " + owner + " " + reader);
      assertThat(TradingDataset.count(without, "public", "orders")).isEqualTo(300);
      assertThat(scalar(without, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).isEqualTo(TestPostgres.adminUser());
    } finally {
      for (String role : List.of(owner, reader)) {
        TradingDataset.execute("postgres", "DROP ROLE IF EXISTS " + role);
      }
    }
  }

  @Test
  void aTimescaleDbHypertableRoundTripsWithItsChunksThroughThePreAndPostRestoreHooks() throws Exception {
    // The host's PostgreSQL 15 with TimescaleDB 2.28.3 (../shared/vendor), not the partitioned stand-in.
    String database = newDatabase("bk_tsdb");
    TradingDataset.execute(database, "CREATE EXTENSION timescaledb;"
        + " CREATE TABLE ticks (time timestamptz NOT NULL, symbol text NOT NULL, price double precision);"
        + " SELECT create_hypertable('ticks', by_range('time', INTERVAL '1 day'));"
        + " INSERT INTO ticks SELECT timestamptz '2026-11-01' + g * INTERVAL '5 minutes', 'AAPL', g FROM generate_series(0, 4031) g;"
        + " ALTER TABLE ticks SET (timescaledb.compress); SELECT compress_chunk(c) FROM show_chunks('ticks', older_than => timestamptz '2026-11-05') c");
    BackupSchedule schedule = BackupSchedules.external("tsdb", TestPostgres.host(), TestPostgres.port(), database);
    BackupSchedules.pvc(schedule, "backups", "tsdb");
    BackupModel model = model(schedule);
    BackupScriptRunner.Run backup = runner.run(backupContainer(model), model, Map.of());
    assertThat(backup.succeeded()).as(backup.stdout() + backup.stderr()).isTrue();

    String restored = newDatabase("bk_tsdb_restored");
    BackupScriptRunner.Run restore = runner.run(restoreContainer(model, restored), model, Map.of());
    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    assertThat(restore.result().get("timescaledbHooks").toString()).isEqualTo("{\"preRestore\":true,\"postRestore\":true}");
    String chunks = "SELECT string_agg(chunk_name || ' ' || range_start || ' ' || is_compressed, ', ' ORDER BY range_start)"
        + " FROM timescaledb_information.chunks WHERE hypertable_name = 'ticks'";
    assertThat(scalar(restored, chunks)).isEqualTo(scalar(database, chunks)).contains("true").contains("false");
    assertThat(scalar(restored, "SELECT count(*) FROM ticks")).isEqualTo("4032");
    assertThat(scalar(restored, "SELECT sum(price)::bigint FROM ticks")).isEqualTo(scalar(database, "SELECT sum(price)::bigint FROM ticks"));
    assertThat(scalar(restored, "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
        + " WHERE d.datname = current_database() AND array_to_string(s.setconfig, ',') LIKE '%timescaledb.restoring=on%'"))
        .as("post-restore took the database out of restore mode").isEqualTo("0");
  }

  /**
   * pg_dump cannot take part of a TimescaleDB database. Before this check, a selection of
   * {@code public.ticks} succeeded, counted 4,032 rows, and restored 2,880: the rows of the
   * compressed chunks live in tables outside any selection. Now the backup refuses, with the
   * hypertable's name, for a table or a schema selection, and a selection without a hypertable in
   * the same database still works.
   */
  @Test
  void aSelectionThatReachesAHypertableIsRefusedAndOneBesideItWorks() throws Exception {
    String database = newDatabase("bk_tsdb_sel");
    TradingDataset.execute(database, "CREATE EXTENSION timescaledb;"
        + " CREATE TABLE instruments (id int PRIMARY KEY, symbol text);"
        + " INSERT INTO instruments SELECT g, 'SYM' || g FROM generate_series(1, 5) g;"
        + " CREATE TABLE ticks (time timestamptz NOT NULL, symbol text NOT NULL, price double precision);"
        + " SELECT create_hypertable('ticks', by_range('time', INTERVAL '1 day'));"
        + " INSERT INTO ticks SELECT timestamptz '2026-11-01' + g * INTERVAL '5 minutes', 'AAPL', g FROM generate_series(0, 4031) g;"
        + " ALTER TABLE ticks SET (timescaledb.compress); SELECT compress_chunk(c) FROM show_chunks('ticks', older_than => timestamptz '2026-11-05') c");
    for (var selection : List.<java.util.function.Consumer<PgDumpSpec>>of(
        d -> d.setTables(List.of("public.ticks", "instruments")), d -> d.setSchemas(List.of("public")),
        d -> d.setExcludeTables(List.of("ticks")))) {
      BackupSchedule schedule = BackupSchedules.external("tsdb-sel", TestPostgres.host(), TestPostgres.port(), database);
      BackupSchedules.pvc(schedule, "backups", "tsdb-sel");
      PgDumpSpec dump = new PgDumpSpec();
      selection.accept(dump);
      schedule.getSpec().setPgDump(dump);
      BackupModel model = model(schedule);
      BackupScriptRunner.Run backup = runner.run(backupContainer(model), model, Map.of());
      assertFailure(backup, "HypertableInSelection", "hypertable(s) public.ticks;");
    }
    try (var written = Files.walk(runner.volume().resolve("tsdb-sel"))) {
      assertThat(written.filter(Files::isRegularFile).toList()).as("files written by the refused backups").isEmpty();
    }

    BackupSchedule beside = BackupSchedules.external("tsdb-beside", TestPostgres.host(), TestPostgres.port(), database);
    BackupSchedules.pvc(beside, "backups", "tsdb-beside");
    PgDumpSpec instruments = new PgDumpSpec();
    instruments.setTables(List.of("instruments"));
    beside.getSpec().setPgDump(instruments);
    BackupModel model = model(beside);
    BackupScriptRunner.Run backup = runner.run(backupContainer(model), model, Map.of());
    assertThat(backup.succeeded()).as(backup.stdout() + backup.stderr()).isTrue();
    assertThat(backup.result().get("tableRowCounts").toString()).isEqualTo("{\"public.instruments\":5}");
    String restored = newDatabase("bk_tsdb_beside");
    BackupScriptRunner.Run restore = runner.run(restoreContainer(model, restored), model, Map.of());
    assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
    assertThat(scalar(restored, "SELECT count(*) FROM instruments")).isEqualTo("5");
  }

  private static String scalar(String database, String sql) throws Exception {
    try (var c = TestPostgres.connectAsAdmin(database); var s = c.createStatement(); var r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void runsAsAnUnprivilegedUserWithOnlyItsOwnFolders() throws Exception {
    assertThat(System.getProperty("user.name")).as("runuser needs root; the Job itself runs as uid 999").isEqualTo("root");
    Path own = Files.createTempDirectory("tradingdb-backup-nonroot");
    try {
      BackupScriptRunner asPostgres = new BackupScriptRunner(own, Map.of(BackupSchedules.PG_SECRET,
          Map.of("username", TestPostgres.adminUser(), "password", TestPostgres.adminPassword())), "postgres");
      BackupSchedule schedule = schedule("unprivileged");
      BackupSchedules.pvc(schedule, "backups", "unprivileged");
      BackupModel model = model(schedule);
      BackupScriptRunner.Run run = asPostgres.run(backupContainer(model), model, Map.of());
      assertThat(run.succeeded()).as(run.stdout() + run.stderr()).isTrue();
      String restored = newDatabase("bk_unpriv");
      BackupScriptRunner.Run restore = asPostgres.run(restoreContainer(model, restored), model, Map.of());
      assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
      assertThat(TradingDataset.fingerprint(restored)).isEqualTo(TradingDataset.fingerprint(source));
    } finally {
      new ProcessBuilder("rm", "-rf", own.toString()).start().waitFor();
    }
  }

  @Test
  void aWrongPasswordFailsWithAuthenticationFailed() throws Exception {
    BackupSchedule schedule = schedule("wrong-password");
    BackupSchedules.s3(schedule, s3.endpoint(), BUCKET, "trading/wrong-password");
    BackupModel model = model(schedule);
    BackupScriptRunner.Run run = runner.run(backupContainer(model), model, Map.of("PGPASSWORD", "not-the-password"));
    assertFailure(run, "AuthenticationFailed", "password authentication failed");
  }

  @Test
  void anUnreachableHostFailsWithDatabaseUnreachable() throws Exception {
    BackupSchedule schedule = schedule("unreachable");
    schedule.getSpec().getTarget().getExternal().setPort(closedLoopbackPort());
    BackupSchedules.s3(schedule, s3.endpoint(), BUCKET, "trading/unreachable");
    BackupModel model = model(schedule);
    BackupScriptRunner.Run run = runner.run(backupContainer(model), model, Map.of());
    assertFailure(run, "DatabaseUnreachable", "Connection refused");
  }

  @Test
  void aMissingBucketFailsWithBucketNotFound() throws Exception {
    BackupSchedule schedule = schedule("no-bucket");
    BackupSchedules.s3(schedule, s3.endpoint(), "no-such-bucket", "trading");
    BackupModel model = model(schedule);
    BackupScriptRunner.Run run = runner.run(backupContainer(model), model, Map.of());
    assertFailure(run, "BucketNotFound", "404");
  }

  private static void assertFailure(BackupScriptRunner.Run run, String reason, String messagePart) throws Exception {
    assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isNotZero();
    assertThat(run.reason()).as(run.stdout() + run.stderr()).isEqualTo(reason);
    assertThat(run.result().get("message").asText()).contains(messagePart);
    assertThat(JSON.readTree(run.terminationMessage())).isEqualTo(run.result());
    assertThat(run.stdout() + run.stderr()).doesNotContain(TestPostgres.adminPassword());
    // What the operator makes of it: the Job failed, its pod's termination message is the result.
    var job = JobStates.job("it-backup", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:00:09Z", false, "BackoffLimitExceeded");
    var pod = JobStates.pod("it-backup", "2026-11-26T03:00:08Z", run.exitCode(), "Error", run.terminationMessage());
    var status = BackupStatusCalculatorTest.compute(null, "2026-11-26T03:01:00Z", List.of(job), List.of(pod)).status();
    var condition = BackupStatusCalculatorTest.condition(status, BackupStatusCalculator.LAST_BACKUP_SUCCEEDED);
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo(reason);
    assertThat(condition.getMessage()).contains(messagePart);
    assertThat(status.getLastFailureReason()).startsWith(reason + ": ");
  }

  // --- helpers ---

  private static BackupSchedule schedule(String name) {
    return BackupSchedules.external(name, TestPostgres.host(), TestPostgres.port(), source);
  }

  private static BackupModel model(BackupSchedule schedule) {
    return BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));
  }

  static Container backupContainer(BackupModel model) {
    return BackupWorkloads.backupCronJobs(model).get(0).getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
        .getContainers().get(0);
  }

  static Container verifyContainer(BackupModel model) {
    return BackupWorkloads.verifyCronJob(model).getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
        .getContainers().get(0);
  }

  static Container restoreContainer(BackupModel model, String database) {
    return BackupWorkloads.restoreJob(model, "test", null, database).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static String expectedDumpFile(DumpFormat format, CompressionAlgorithm algorithm) {
    String base = switch (format) {
      case CUSTOM -> "dump.pgdump";
      case DIRECTORY -> "dump.tar";
      case PLAIN -> "dump.sql";
    };
    return base + algorithm.extension();
  }

  private static String newDatabase(String prefix) throws Exception {
    String name = TestPostgres.createDatabase(prefix);
    databases.add(name);
    return name;
  }

  private static boolean databaseExists(String name) throws Exception {
    try (var c = TestPostgres.connectAsAdmin("postgres");
        var s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      s.setString(1, name);
      return s.executeQuery().next();
    }
  }

  static int closedLoopbackPort() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void putObject(String key, String content) {
    var blobStore = s3.blobStore();
    blobStore.putBlob(BUCKET, blobStore.blobBuilder(key).payload(content.getBytes(StandardCharsets.UTF_8)).build());
  }

  private static byte[] getObject(String key) throws Exception {
    try (var in = s3.blobStore().getBlob(BUCKET, key).getPayload().openStream()) {
      return in.readAllBytes();
    }
  }

  private static List<String> backupIds(String prefix) {
    TreeSet<String> ids = new TreeSet<>();
    for (StorageMetadata m : s3.blobStore().list(BUCKET, ListContainerOptions.Builder.prefix(prefix + "/").recursive())) {
      String rest = m.getName().substring(prefix.length() + 1);
      if (rest.contains("/")) {
        ids.add(rest.substring(0, rest.indexOf('/')));
      }
    }
    return new ArrayList<>(ids);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
