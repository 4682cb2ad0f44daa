package io.tradingdb.operator.backup;

import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgBackRestSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.VerificationSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PgBackRestRepositorySpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * pgBackRest end to end with the real binaries and the operator's generated files: a PostgreSQL
 * whose archive_command and pgbackrest.conf come from the TradingDatabase's Patroni ConfigMap, the
 * pgBackRest TLS server the StatefulSet's sidecar runs, an S3 repository (s3proxy over HTTPS, the
 * only way pgBackRest talks to S3) and the backup Jobs' scripts and config run as the CronJobs
 * run them. Only what differs between a pod and this machine is overridden, through pgBackRest's
 * PGBACKREST_* variables: addresses, ports, folders and the test CA.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PgBackRestFlow {

  private static final String PGBIN = "/usr/lib/postgresql/15/bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  Path base;
  private int pgPort;
  private int serverPort;
  private Path dataDir;
  private Path socketDir;
  Path tls;
  private TradingDatabase cluster;
  private Map<String, String> instanceEnv;
  private Process server;
  static final Map<String, Map<String, String>> SECRETS = Map.of(
      BackupSchedules.S3_SECRET, Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
          "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY));
  private final List<String> labels = new ArrayList<>();
  String recoveryTarget;
  private String countAtTarget;

  @BeforeAll
  void start() throws Exception {
    assertThat(Path.of("/usr/bin/pgbackrest")).as("Debian package pgbackrest is needed").isExecutable();
    assertThat(Path.of(PGBIN, "initdb")).as("Debian package postgresql-15 is needed").isExecutable();
    base = Files.createTempDirectory("tradingdb-pgbackrest");
    tls = Files.createDirectories(base.resolve("tls"));
    socketDir = Files.createDirectories(base.resolve("socket"));
    dataDir = base.resolve("data");
    pgPort = freePort(25500);
    serverPort = freePort(pgPort + 1);

    // One CA, as the operator issues: a server certificate (s3proxy and the pgBackRest server,
    // both on 127.0.0.1) and the backup Job's client certificate.
    Instant now = Instant.now();
    CertificateAuthority.Pem ca = CertificateAuthority.newCa("pgbackrest test", now);
    CertificateAuthority.Pem serverPem = CertificateAuthority.issueServer(ca, List.of("127.0.0.1"), now);
    CertificateAuthority.Pem client = CertificateAuthority.issueServer(ca, List.of(PgBackRestConf.CLIENT_CN), now);
    Files.writeString(tls.resolve("ca.crt"), ca.certificate());
    Files.writeString(tls.resolve("tls.crt"), serverPem.certificate());
    Files.writeString(tls.resolve("tls.key"), serverPem.privateKey());
    Files.writeString(tls.resolve("client.crt"), client.certificate());
    Files.writeString(tls.resolve("client.key"), client.privateKey());
    startRepository(serverPem);

    cluster = Samples.tradingDatabase("trading", "market-data");
    PgBackRestRepositorySpec pgBackRest = new PgBackRestRepositorySpec();
    pgBackRest.setRepository(repository());
    cluster.getSpec().setPgBackRest(pgBackRest);
    ClusterModel model = ClusterModel.from(cluster);
    Path etc = Files.createDirectories(base.resolve("etc-patroni"));
    Files.writeString(etc.resolve(PatroniConfigMap.PGBACKREST_FILE),
        PatroniConfigMap.configMap(model).getData().get(PatroniConfigMap.PGBACKREST_FILE));

    // The instance's environment as the StatefulSet sets it, with this machine's paths.
    instanceEnv = containerEnv(ClusterStatefulSet.build(model, "test", Map.of()).getSpec().getTemplate().getSpec()
        .getContainers().stream().filter(c -> c.getName().equals(ClusterStatefulSet.PGBACKREST_CONTAINER)).findFirst().orElseThrow());
    instanceEnv.put("PGBACKREST_CONFIG", etc.resolve(PatroniConfigMap.PGBACKREST_FILE).toString());
    instanceEnv.putAll(workOverrides("instance"));
    instanceEnv.put("PGBACKREST_PG1_PATH", dataDir.toString());
    instanceEnv.put("PGBACKREST_PG1_PORT", Integer.toString(pgPort));
    instanceEnv.put("PGBACKREST_PG1_SOCKET_PATH", socketDir.toString());
    instanceEnv.put("PGBACKREST_TLS_SERVER_ADDRESS", "127.0.0.1");
    instanceEnv.put("PGBACKREST_TLS_SERVER_PORT", Integer.toString(serverPort));
    instanceEnv.put("PGBACKREST_TLS_SERVER_CA_FILE", tls.resolve("ca.crt").toString());
    instanceEnv.put("PGBACKREST_TLS_SERVER_CERT_FILE", tls.resolve("tls.crt").toString());
    instanceEnv.put("PGBACKREST_TLS_SERVER_KEY_FILE", tls.resolve("tls.key").toString());
    instanceEnv.putAll(repositoryOverrides());

    run(Map.of(), "chown", "-R", "postgres:postgres", base.toString());
    run(Map.of(), "chmod", "0600", tls.resolve("tls.key").toString(), tls.resolve("client.key").toString());
    asPostgres(Map.of(), PGBIN + "/initdb", "-D", dataDir.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
    Map<String, Object> parameters = PatroniConfigMap.postgresParameters(model);
    Path instanceConf = Files.createDirectories(base.resolve("instance-conf"));
    Files.copy(dataDir.resolve("pg_hba.conf"), instanceConf.resolve("pg_hba.conf"));
    Files.copy(dataDir.resolve("pg_ident.conf"), instanceConf.resolve("pg_ident.conf"));
    run(Map.of(), "chown", "-R", "postgres:postgres", instanceConf.toString());
    Files.writeString(dataDir.resolve("postgresql.conf"), String.join("\n",
        "listen_addresses = '127.0.0.1'",
        "port = " + pgPort,
        "unix_socket_directories = '" + socketDir + "'",
        "wal_level = replica",
        "archive_mode = " + parameters.get("archive_mode"),
        "archive_command = '" + parameters.get("archive_command") + "'",
        "archive_timeout = " + parameters.get("archive_timeout"),
        "max_wal_senders = 2",
        "fsync = off",
        // Absolute paths outside the data directory, as Patroni writes them: the backup carries
        // them into pods that do not have these files (they are deleted once the server runs).
        "hba_file = '" + instanceConf.resolve("pg_hba.conf") + "'",
        "ident_file = '" + instanceConf.resolve("pg_ident.conf") + "'",
        ""), StandardOpenOption.APPEND);
    asPostgres(instanceEnv, PGBIN + "/pg_ctl", "-D", dataDir.toString(), "-l", base.resolve("postgres.log").toString(), "-w", "start");
    run(Map.of(), "rm", "-rf", instanceConf.toString());
    asPostgres(Map.of(), "psql", "-X", "-q", "-h", socketDir.toString(), "-p", Integer.toString(pgPort), "-U", "postgres",
        "-d", "postgres", "-c", "CREATE DATABASE ai_trading");
    server = startAsPostgres(instanceEnv, base.resolve("server.log"), "pgbackrest", "server");
    waitForPort(serverPort);
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    if (dataDir != null) {
      for (Path d : List.of(dataDir, base.resolve("restored"), base.resolve("verify-scratch/pgdata"))) {
        if (Files.exists(d.resolve("postmaster.pid"))) {
          asPostgres(Map.of(), PGBIN + "/pg_ctl", "-D", d.toString(), "-m", "immediate", "-w", "stop");
        }
      }
    }
    stopRepository();
    if (base != null && !Boolean.getBoolean("pgbackrest.keep")) {
      run(Map.of(), "rm", "-rf", base.toString());
    }
  }

  @Test
  @Order(1)
  void fullDifferentialAndIncrementalBackupsRunFromTheCronJobs() throws Exception {
    psql("CREATE TABLE ticks (ts timestamptz NOT NULL, price numeric) PARTITION BY RANGE (ts);"
        + "CREATE TABLE ticks_1 PARTITION OF ticks FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"
        + "CREATE TABLE ticks_2 PARTITION OF ticks FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');"
        + "INSERT INTO ticks SELECT timestamptz '2026-01-01' + g * interval '1 minute', g FROM generate_series(0, 49999) g;");
    BackupModel model = model(schedule());
    Map<String, Container> byType = new LinkedHashMap<>();
    for (CronJob cronJob : BackupWorkloads.backupCronJobs(model)) {
      Container container = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
      String type = container.getEnv().stream().filter(e -> e.getName().equals("BACKUP_TYPE")).findFirst().orElseThrow().getValue();
      byType.put(type, container);
    }
    assertThat(byType).containsOnlyKeys("full", "diff", "incr");

    JsonNode full = backup(model, byType.get("full"), Map.of());
    assertThat(full.path("name").asText()).matches("[0-9]{8}-[0-9]{6}F");
    assertThat(full.path("backupType").asText()).isEqualTo("full");
    assertThat(full.path("sizeBytes").asLong()).isPositive();
    labels.add(full.path("name").asText());
    // pgBackRest picks a backup for a target time by whole seconds: one that stopped in the
    // target's own second does not qualify.
    Thread.sleep(1100);

    psql("INSERT INTO ticks SELECT timestamptz '2026-02-01' + g * interval '1 minute', g FROM generate_series(0, 9999) g;");
    countAtTarget = psql("SELECT count(*) || ':' || sum(price) FROM ticks");
    assertThat(countAtTarget).isEqualTo("60000:1299970000");
    // The mistake point-in-time recovery undoes, a moment after the target.
    recoveryTarget = psql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    Thread.sleep(1100);
    psql("DELETE FROM ticks WHERE ts < '2026-02-01'");

    JsonNode diff = backup(model, byType.get("diff"), Map.of());
    assertThat(diff.path("name").asText()).matches(labels.get(0) + "_[0-9]{8}-[0-9]{6}D");
    JsonNode incr = backup(model, byType.get("incr"), Map.of());
    assertThat(incr.path("name").asText()).matches(labels.get(0) + "_[0-9]{8}-[0-9]{6}I");
    labels.add(diff.path("name").asText());
    labels.add(incr.path("name").asText());
    assertThat(backupLabels()).containsExactlyElementsOf(labels);
  }

  @Test
  @Order(2)
  void aNewClusterRecoversToAPointInTimeFromTheRepository() throws Exception {
    TradingDatabase restoredCluster = Samples.tradingDatabase("trading", "market-data-restored");
    restoredCluster.getSpec().setBootstrap(
        io.tradingdb.operator.tradingdatabase.PgBackRestSamples.pointInTime("market-data", recoveryTarget, repository()));
    ClusterModel model = ClusterModel.from(restoredCluster);
    Map<String, String> files = PatroniConfigMap.configMap(model).getData();
    Path etc = Files.createDirectories(base.resolve("etc-restored"));
    for (String file : List.of(PatroniConfigMap.PGBACKREST_BOOTSTRAP_FILE, PatroniConfigMap.PGBACKREST_RESTORE_FILE)) {
      Files.writeString(etc.resolve(file), files.get(file));
    }
    Path restored = base.resolve("restored");
    Map<String, String> env = containerEnv(ClusterStatefulSet.build(model, "test", Map.of()).getSpec().getTemplate().getSpec()
        .getContainers().stream().filter(c -> c.getName().equals(ClusterStatefulSet.CONTAINER)).findFirst().orElseThrow());
    env.put("PGDATA", restored.toString());
    // archive-get resolves %p against pg1-path, which the pod's file sets to PGDATA's value.
    env.put("PGBACKREST_PG1_PATH", restored.toString());
    env.putAll(workOverrides("restored"));
    env.putAll(repositoryOverrides());
    run(Map.of(), "chown", "-R", "postgres:postgres", base.toString());

    // Patroni's bootstrap method: its command, then PostgreSQL with its recovery_conf.
    @SuppressWarnings("unchecked")
    Map<String, Object> method = (Map<String, Object>) ((Map<String, Object>) PatroniConfigMap.document(model).get("bootstrap")).get("pgbackrest");
    String command = ((String) method.get("command")).replace(PatroniConfigMap.MOUNT_PATH, etc.toString());
    asPostgres(env, command.split(" "));
    @SuppressWarnings("unchecked")
    Map<String, Object> recovery = (Map<String, Object>) method.get("recovery_conf");
    assertThat(recovery).containsEntry("recovery_target_action", "promote");
    assertThat(java.time.OffsetDateTime.parse(((String) recovery.get("recovery_target_time")).replace(' ', 'T')).toInstant())
        .isEqualTo(Instant.parse(recoveryTarget));
    // What Patroni writes into the new member's postgresql.conf: its own hba and ident files.
    List<String> conf = new ArrayList<>(List.of("port = " + pgPort, "listen_addresses = ''",
        "unix_socket_directories = '" + socketDir + "'", "archive_mode = off",
        "hba_file = '" + restored.resolve("pg_hba.conf") + "'", "ident_file = '" + restored.resolve("pg_ident.conf") + "'"));
    recovery.forEach((k, v) -> conf.add(k + " = '" + v.toString().replace(PatroniConfigMap.MOUNT_PATH, etc.toString()).replace("'", "''") + "'"));
    Files.writeString(restored.resolve("postgresql.conf"), String.join("\n", conf) + "\n", StandardOpenOption.APPEND);
    Files.writeString(restored.resolve("recovery.signal"), "");
    run(Map.of(), "chown", "-R", "postgres:postgres", restored.toString());

    // The source keeps running on pgPort: the restored server gets a socket only, on another folder.
    Path restoredSocket = Files.createDirectories(base.resolve("restored-socket"));
    run(Map.of(), "chown", "postgres:postgres", restoredSocket.toString());
    Files.writeString(restored.resolve("postgresql.conf"), "unix_socket_directories = '" + restoredSocket + "'\n",
        StandardOpenOption.APPEND);
    try {
      asPostgres(env, PGBIN + "/pg_ctl", "-D", restored.toString(), "-l", base.resolve("restored.log").toString(), "-w", "-t", "300", "start");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + Files.readString(base.resolve("restored.log")), e);
    }
    for (int i = 0; i < 300 && !"f".equals(psqlAt(restoredSocket, "SELECT pg_is_in_recovery()")); i++) {
      Thread.sleep(200);
    }
    assertThat(psqlAt(restoredSocket, "SELECT pg_is_in_recovery()")).as("recovery ended and the server was promoted").isEqualTo("f");
    assertThat(psqlAt(restoredSocket, "SELECT count(*) || ':' || sum(price) FROM ticks"))
        .as("the rows as they were at %s, before the DELETE", recoveryTarget).isEqualTo(countAtTarget);
    asPostgres(Map.of(), PGBIN + "/pg_ctl", "-D", restored.toString(), "-m", "fast", "-w", "stop");
  }

  @Test
  @Order(3)
  void theRestoreTestRestoresTheLatestBackupIntoAScratchServer() throws Exception {
    BackupModel model = model(schedule());
    Container container = BackupScriptsIT.verifyContainer(model);
    BackupScriptRunner.Run run = runner().run(container, model, jobOverrides(Map.of(
        "BACKUP_SCRATCH", base.resolve("verify-scratch").toString(), "PG_BINDIR", PGBIN)));
    assertThat(run.succeeded()).as("%s%n%s", run.stdout(), run.stderr()).isTrue();
    assertThat(run.result().path("backup").asText()).isEqualTo(labels.get(2));
    // The latest backup was taken after the DELETE: only February's rows are left.
    assertThat(run.result().path("message").asText()).contains("recovery finished").contains("15360 rows");
  }

  @Test
  @Order(5)
  void anUnreachableInstanceIsReportedAsSuch() throws Exception {
    BackupModel model = model(schedule());
    Container full = BackupScriptsIT.backupContainer(model);
    int closed = freePort(serverPort + 1);
    BackupScriptRunner.Run noServer = runner().run(full, model, jobOverrides(Map.of(
        "PGBACKREST_PG1_HOST_PORT", Integer.toString(closed),
        // pgBackRest retries a host for protocol-timeout (30 min by default); the test needs no patience.
        "PGBACKREST_PROTOCOL_TIMEOUT", "6", "PGBACKREST_DB_TIMEOUT", "5", "PGBACKREST_IO_TIMEOUT", "2")));
    assertThat(noServer.exitCode()).isNotZero();
    assertThat(noServer.reason()).as(noServer.stdout()).isEqualTo("DatabaseUnreachable");
  }

  @Test
  @Order(6)
  void theHealthCheckSeesArchivingFailAndRecover() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/ai_trading?user=postgres";
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url)) {
      assertThat(io.tradingdb.operator.postgres.HealthCheck.run(connection).walArchiveFailing()).isFalse();
      psql("ALTER SYSTEM SET archive_command = '/bin/false'");
      psql("SELECT pg_reload_conf()");
      try {
        psql("INSERT INTO ticks VALUES ('2026-02-20', 1)");
        psql("SELECT pg_switch_wal()");
        boolean failing = false;
        for (int i = 0; i < 100 && !failing; i++) {
          Thread.sleep(100);
          failing = io.tradingdb.operator.postgres.HealthCheck.run(connection).walArchiveFailing();
        }
        assertThat(failing).as("pg_stat_archiver reports the failed archive_command").isTrue();
      } finally {
        psql("ALTER SYSTEM RESET archive_command");
        psql("SELECT pg_reload_conf()");
      }
      boolean recovered = false;
      for (int i = 0; i < 300 && !recovered; i++) {
        Thread.sleep(100);
        recovered = !io.tradingdb.operator.postgres.HealthCheck.run(connection).walArchiveFailing();
      }
      assertThat(recovered).as("the generated archive_command archives the waiting segment").isTrue();
    }
  }

  // --- helpers ---

  String countAtTarget() {
    return countAtTarget;
  }

  int pgPort() {
    return pgPort;
  }

  static final String POSTGRES_BIN = PGBIN;


  /** Starts the repository's server, if it has one; {@code serverPem} is valid for 127.0.0.1. */
  abstract void startRepository(CertificateAuthority.Pem serverPem) throws Exception;

  abstract void stopRepository() throws Exception;

  /** The repository as a user writes it in spec.pgBackRest.repository. */
  abstract BackupStorageSpec repository();

  /** What differs between a pod and this machine for the repository (a CA, a mount path). */
  abstract Map<String, String> repositoryOverrides();

  BackupSchedule schedule() {
    BackupSchedule schedule = BackupSchedules.tradingDatabase("market-data-pitr", "market-data");
    schedule.getSpec().setMethod(BackupMethod.PG_BACKREST);
    PgBackRestSpec pgBackRest = new PgBackRestSpec();
    pgBackRest.setDifferentialSchedule("0 15 * * *");
    pgBackRest.setIncrementalSchedule("0 * * * *");
    schedule.getSpec().setPgBackRest(pgBackRest);
    BackupSchedules.retention(schedule, null, 2);
    VerificationSpec verification = new VerificationSpec();
    verification.setEnabled(true);
    verification.setExpectedTables(List.of("public.ticks", "public.ticks_2"));
    schedule.getSpec().setVerification(verification);
    return schedule;
  }


  BackupModel model(BackupSchedule schedule) {
    return BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), cluster), cluster);
  }

  JsonNode backup(BackupModel model, Container container, Map<String, String> extra) throws Exception {
    BackupScriptRunner.Run run = runner().run(container, model, jobOverrides(extra));
    assertThat(run.succeeded()).as("%s%n%s", run.stdout(), run.stderr()).isTrue();
    assertThat(JSON.readTree(run.terminationMessage())).isEqualTo(run.result());
    return run.result();
  }

  BackupScriptRunner runner() throws IOException {
    return new BackupScriptRunner(Files.createDirectories(base.resolve("job")), SECRETS, "postgres");
  }

  /** The Job runs on another machine than the instance: here both are 127.0.0.1, on their own ports and files. */
  Map<String, String> jobOverrides(Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>(workOverrides("job"));
    env.put("TRADINGDB_PGBACKREST_WORK", base.resolve("work-job").toString());
    env.put("PGBACKREST_PG1_HOST", "127.0.0.1");
    env.put("PGBACKREST_PG1_HOST_PORT", Integer.toString(serverPort));
    env.put("PGBACKREST_PG1_HOST_CA_FILE", tls.resolve("ca.crt").toString());
    env.put("PGBACKREST_PG1_HOST_CERT_FILE", tls.resolve("client.crt").toString());
    env.put("PGBACKREST_PG1_HOST_KEY_FILE", tls.resolve("client.key").toString());
    env.put("PGBACKREST_PG1_PATH", dataDir.toString());
    env.put("PGBACKREST_PG1_PORT", Integer.toString(pgPort));
    env.put("PGBACKREST_PG1_SOCKET_PATH", socketDir.toString());
    env.putAll(repositoryOverrides());
    env.putAll(extra);
    return env;
  }

  Map<String, String> workOverrides(String who) {
    Path work = base.resolve("work-" + who);
    return Map.of("PGBACKREST_LOG_PATH", work + "/log", "PGBACKREST_LOCK_PATH", work + "/lock",
        "PGBACKREST_SPOOL_PATH", work + "/spool");
  }


  List<String> backupLabels() throws Exception {
    Map<String, String> env = new LinkedHashMap<>(instanceEnv);
    JsonNode info = JSON.readTree(asPostgres(env, "pgbackrest", "--stanza=market-data", "--output=json", "info")).get(0);
    List<String> result = new ArrayList<>();
    info.path("backup").forEach(b -> result.add(b.path("label").asText()));
    return result;
  }

  /** The container's pgBackRest variables (and PGDATA), Secret references resolved from test values. */
  Map<String, String> containerEnv(Container container) {
    return ContainerEnv.resolve(container.getEnv().stream().filter(v -> v.getName().startsWith("PGBACKREST_")
        || v.getName().startsWith("TRADINGDB_") || v.getName().equals("PGDATA")).toList(), SECRETS);
  }

  private String psql(String sql) throws Exception {
    return psqlAt(socketDir, sql);
  }

  /** In the cluster's database, as the operator's bootstrap creates it. */
  private String psqlAt(Path socket, String sql) throws Exception {
    return asPostgres(Map.of(), "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socket.toString(), "-p",
        Integer.toString(pgPort), "-U", "postgres", "-d", "ai_trading", "-c", sql).trim();
  }

  String asPostgres(Map<String, String> env, String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    return run(env, full.toArray(String[]::new));
  }

  Process startAsPostgres(Map<String, String> env, Path log, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PATH", BackupScriptRunner.PATH);
    builder.environment().putAll(env);
    builder.directory(new java.io.File("/tmp"));
    return builder.start();
  }

  String run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", BackupScriptRunner.PATH);
    builder.environment().putAll(env);
    builder.directory(new java.io.File("/tmp"));
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", command), output).isZero();
    return output;
  }

  private void waitForPort(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("pgbackrest server did not listen on " + port + ": " + Files.readString(base.resolve("server.log")));
  }

  int freePort(int from) throws IOException {
    for (int candidate = from; candidate < 25600; candidate++) {
      try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IOException("no free port in " + from + "-25599 on 127.0.0.1");
  }
}
