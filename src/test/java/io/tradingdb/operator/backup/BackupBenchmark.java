package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.CompressionAlgorithm;
import io.tradingdb.operator.api.v1alpha1.backupschedule.DumpFormat;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore throughput per compression, next to plain pg_dump to a local file with the
 * same compression. Prints a table; asserts nothing about time. Size: -Dbackup.bench.mb (default
 * 1024). Run: mvn -B -q verify -Dit.test=BackupBenchmark -Dgroups=benchmark -DexcludedTestGroups=none -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("benchmark")
class BackupBenchmark {

  @TempDir Path temp;

  @Test
  void backupAndRestoreThroughputPerCompression() throws Exception {
    int megabytes = Integer.getInteger("backup.bench.mb", 1024);
    String source = TestPostgres.createDatabase("bk_bench");
    List<String> databases = new ArrayList<>(List.of(source));
    try (S3TestServer s3 = new S3TestServer(Files.createDirectories(temp.resolve("s3")))) {
      s3.createBucket("bench");
      long bytes = generate(source, megabytes);
      double mb = bytes / 1e6;
      BackupScriptRunner runner = new BackupScriptRunner(temp, Map.of(
          BackupSchedules.PG_SECRET, Map.of("username", TestPostgres.adminUser(), "password", TestPostgres.adminPassword()),
          BackupSchedules.S3_SECRET, Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
              "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY)));
      StringBuilder table = new StringBuilder();
      table.append(String.format("%nbackup benchmark: %.0f MB of tables (pg_database_size), custom format, s3proxy on loopback, 2 cores%n", mb));
      table.append(String.format("%-12s %11s %11s %11s %12s %12s %12s %12s %10s%n",
          "compression", "baseline s", "volume s", "s3 s", "s3/baseline", "upload s", "s3 MB/s", "restore MB/s", "stored MB"));
      String[][] choices = {{"NONE", ""}, {"GZIP", "6"}, {"GZIP", "1"}, {"ZSTD", "3"}, {"LZ4", "1"}};
      for (String[] choice : choices) {
        CompressionAlgorithm algorithm = CompressionAlgorithm.valueOf(choice[0]);
        Integer level = choice[1].isEmpty() ? null : Integer.valueOf(choice[1]);
        double baseline = baseline(source, algorithm, level == null ? 0 : level);
        double upload = uploadOnly(s3.endpoint());

        BackupSchedule onVolume = BackupSchedules.external("bench", TestPostgres.host(), TestPostgres.port(), source);
        BackupSchedules.pvc(onVolume, "bench", "bench/" + algorithm + level);
        BackupSchedules.dump(onVolume, DumpFormat.CUSTOM, algorithm, level, null);
        BackupModel volumeModel = BackupModel.from(onVolume, ClusterModel.connectionTarget(onVolume.getSpec().getTarget(), null));
        long volumeStart = System.nanoTime();
        BackupScriptRunner.Run toVolume = runner.run(BackupScriptsIT.backupContainer(volumeModel), volumeModel, Map.of());
        double volumeSeconds = (System.nanoTime() - volumeStart) / 1e9;
        assertThat(toVolume.succeeded()).as(toVolume.stdout() + toVolume.stderr()).isTrue();

        BackupSchedule schedule = BackupSchedules.external("bench", TestPostgres.host(), TestPostgres.port(), source);
        BackupSchedules.s3(schedule, s3.endpoint(), "bench", "bench/" + algorithm + level);
        BackupSchedules.dump(schedule, DumpFormat.CUSTOM, algorithm, level, null);
        BackupModel model = BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null));
        long start = System.nanoTime();
        BackupScriptRunner.Run backup = runner.run(BackupScriptsIT.backupContainer(model), model, Map.of());
        double backupSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(backup.succeeded()).as(backup.stdout() + backup.stderr()).isTrue();

        String restored = TestPostgres.createDatabase("bk_bench_r");
        databases.add(restored);
        start = System.nanoTime();
        BackupScriptRunner.Run restore = runner.run(BackupScriptsIT.restoreContainer(model, restored), model, Map.of());
        double restoreSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(restore.succeeded()).as(restore.stdout() + restore.stderr()).isTrue();
        TestPostgres.dropDatabase(restored);

        table.append(String.format("%-12s %11.1f %11.1f %11.1f %12.2f %12.1f %12.1f %12.1f %10.1f%n",
            algorithm.value() + (level == null ? "" : "-" + level), baseline, volumeSeconds, backupSeconds, backupSeconds / baseline,
            upload, mb / backupSeconds, mb / restoreSeconds, backup.result().get("sizeBytes").asLong() / 1e6));
      }
      table.append("baseline: pg_dump -Fc to a local file (-Z for gzip, | zstd / | lz4 for the others). volume, s3: the\n"
          + "Job's backup.sh end to end (checks, snapshot, dump, compress, sha256, row counts, store, manifest, retention)\n"
          + "to a local folder (the PVC case) and through the AWS CLI to s3proxy. upload: the baseline's file alone\n"
          + "copied to s3proxy by the AWS CLI with the scripts' settings (what the S3 server and client cost on\n"
          + "these cores). restore: restore.sh from s3proxy.\n");
      System.out.println(table);
    } finally {
      for (String db : databases) {
        TestPostgres.dropDatabase(db);
      }
    }
  }

  /** Fills market_ticks until the database holds about {@code megabytes}; returns its size. */
  private static long generate(String database, int megabytes) throws Exception {
    long rows = megabytes * 11_700L;
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE market_ticks (ts timestamptz NOT NULL, symbol text NOT NULL, price numeric(18,6), "
          + "volume bigint, bid numeric(18,6), ask numeric(18,6)) PARTITION BY RANGE (ts)");
      for (int month = 1; month <= 4; month++) {
        s.execute("CREATE TABLE " + SqlQuote.identifier("market_ticks_m" + month) + " PARTITION OF market_ticks FOR VALUES FROM ("
            + SqlQuote.literal("2026-0" + month + "-01") + ") TO (" + SqlQuote.literal("2026-0" + (month + 1) + "-01") + ")");
      }
      s.execute("INSERT INTO market_ticks SELECT timestamptz '2026-01-01' + g * (interval '1 second' * (10000000.0 / " + rows
          + ")), 'SYM' || (g % 500), round((100 + sin(g) * 10)::numeric, 6), g % 10000, "
          + "round((99.99 + sin(g) * 10)::numeric, 6), round((100.01 + sin(g) * 10)::numeric, 6) FROM generate_series(0, " + (rows - 1) + ") g");
      s.execute("VACUUM ANALYZE market_ticks");
      try (ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Seconds for plain pg_dump to a local file with the same compression. */
  private double baseline(String database, CompressionAlgorithm algorithm, int level) throws Exception {
    Path out = temp.resolve("baseline.dump");
    String dump = "pg_dump -Fc --no-password -d \"$PGDATABASE\"";
    String command = switch (algorithm) {
      case NONE -> dump + " -Z0 -f \"$OUT\"";
      case GZIP -> dump + " -Z" + level + " -f \"$OUT\"";
      case ZSTD -> dump + " -Z0 | zstd -q -c -" + level + " > \"$OUT\"";
      case LZ4 -> dump + " -Z0 | lz4 -q -c -" + level + " > \"$OUT\"";
    };
    ProcessBuilder builder = new ProcessBuilder("bash", "-o", "pipefail", "-c", command);
    builder.environment().put("PATH", BackupScriptRunner.PATH);
    builder.environment().put("PGHOST", TestPostgres.host());
    builder.environment().put("PGPORT", Integer.toString(TestPostgres.port()));
    builder.environment().put("PGUSER", TestPostgres.adminUser());
    builder.environment().put("PGPASSWORD", TestPostgres.adminPassword());
    builder.environment().put("PGDATABASE", database);
    builder.environment().put("OUT", out.toString());
    return seconds(builder);
  }

  /** Runs the process to a successful end; returns how long it took. */
  private static double seconds(ProcessBuilder builder) throws Exception {
    builder.inheritIO();
    long start = System.nanoTime();
    Process p = builder.start();
    assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).isZero();
    return (System.nanoTime() - start) / 1e9;
  }

  /** Seconds to copy the baseline's file to s3proxy with the AWS CLI, configured as lib.sh configures it. */
  private double uploadOnly(String endpoint) throws Exception {
    Path out = temp.resolve("baseline.dump");
    Path config = temp.resolve("aws-config");
    Files.writeString(config, "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n"
        + "  multipart_chunksize = 32MB\n  max_concurrent_requests = 4\n");
    ProcessBuilder builder = new ProcessBuilder("/usr/bin/aws", "--endpoint-url", endpoint, "s3", "cp", "--only-show-errors",
        out.toString(), "s3://bench/upload-only/baseline.dump");
    builder.environment().put("PATH", BackupScriptRunner.PATH);
    builder.environment().put("AWS_CONFIG_FILE", config.toString());
    builder.environment().put("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
    double seconds = seconds(builder);
    Files.delete(out);
    return seconds;
  }
}
