package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.postgres.BootstrapSql;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Patroni's configuration for the timescaledb-ha image, in the shape Timescale's own chart uses:
 * Kubernetes DCS, role labels on pods, secrets only through PATRONI_* environment variables.
 */
public final class PatroniConfigMap {

  public static final String CONFIG_FILE = "patroni.yaml";
  public static final String BOOTSTRAP_SQL_FILE = "bootstrap.sql";
  public static final String POST_INIT_FILE = "post-init.sh";
  /** The instances' pgbackrest.conf (read through PGBACKREST_CONFIG) when spec.pgBackRest is set. */
  public static final String PGBACKREST_FILE = "pgbackrest.conf";
  /** The source repository's pgbackrest.conf of a first start restored by pgBackRest. */
  public static final String PGBACKREST_BOOTSTRAP_FILE = "pgbackrest-bootstrap.conf";
  /** Runs pgBackRest against the bootstrap source: with no arguments the restore, else the given command. */
  public static final String PGBACKREST_RESTORE_FILE = "pgbackrest-source.sh";
  /** The bootstrap source repository's S3 keys, read only by that script. */
  public static final String SOURCE_S3_KEY_ENV = "TRADINGDB_SOURCE_S3_KEY";
  public static final String SOURCE_S3_KEY_SECRET_ENV = "TRADINGDB_SOURCE_S3_KEY_SECRET";
  /** pgBackRest's log, lock and spool folders in the instances (an emptyDir). */
  public static final String PGBACKREST_WORK_DIR = "/tmp/pgbackrest";
  public static final String PGBACKREST_TLS_MOUNT = "/etc/tradingdb/pgbackrest-tls";
  public static final String MOUNT_PATH = "/etc/patroni";
  /** The label Patroni selects its cluster's pods by, with the scope (the cluster's name) as value. */
  public static final String SCOPE_LABEL = "tradingdb.io/cluster";
  public static final String WAL_MOUNT = "/home/postgres/pgwal";
  public static final String TLS_MOUNT = "/etc/tradingdb/tls";

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private PatroniConfigMap() {}

  public static ConfigMap configMap(ClusterModel model) {
    return configMap(model, true);
  }

  /**
   * The digest the pod template carries, so a change rolls the pods: of everything but the
   * parameters in the DCS section, which reach running clusters through Patroni's REST API
   * (PATCH /config) and need no new pods.
   */
  public static String rolloutChecksum(ClusterModel model) {
    return checksum(configMap(model, false));
  }

  private static ConfigMap configMap(ClusterModel model, boolean withDcsParameters) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CONFIG_FILE, yaml(model, withDcsParameters));
    data.put(BOOTSTRAP_SQL_FILE, BootstrapSql.psqlScript(model.databaseName(), model.pgBackRestBootstrap().isPresent()));
    data.put(POST_INIT_FILE, postInitScript(model));
    model.pgBackRest().ifPresent(pgbr -> data.put(PGBACKREST_FILE, PgBackRestConf.databasePod(
        model.names().cluster(), pgbr.repository(), PodLayout.postgres(), PGBACKREST_WORK_DIR,
        new PgBackRestConf.Tls(PGBACKREST_TLS_MOUNT + "/" + PodLayout.CA_CERT,
            PGBACKREST_TLS_MOUNT + "/" + PodLayout.TLS_CERT, PGBACKREST_TLS_MOUNT + "/" + PodLayout.TLS_KEY))));
    model.pgBackRestBootstrap().ifPresent(source -> {
      data.put(PGBACKREST_BOOTSTRAP_FILE, PgBackRestConf.databasePod(
          source.stanza(), source.repository(), PodLayout.postgres(), PGBACKREST_WORK_DIR, null));
      data.put(PGBACKREST_RESTORE_FILE, pgBackRestRestoreScript(source));
    });
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(model.names().patroniConfig())
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "patroni"))
        .endMetadata()
        .withData(data)
        .build();
  }

  /** A digest of the configuration; a change rolls the pods so Patroni reads the new file. */
  public static String checksum(ConfigMap configMap) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(configMap.getData())
          .forEach(
              (k, v) -> {
                digest.update(k.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(v.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
              });
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String yaml(ClusterModel model) {
    return yaml(model, true);
  }

  private static String yaml(ClusterModel model, boolean withDcsParameters) {
    try {
      return YAML.writeValueAsString(document(model, withDcsParameters));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the Patroni configuration", e);
    }
  }

  public static Map<String, Object> document(ClusterModel model) {
    return document(model, true);
  }

  private static Map<String, Object> document(ClusterModel model, boolean withDcsParameters) {
    ClusterNames n = model.names();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scope", n.cluster());

    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("labels", ClusterServices.podSelector(model, null));
    kubernetes.put("scope_label", SCOPE_LABEL);
    kubernetes.put("role_label", ClusterServices.ROLE_LABEL);
    kubernetes.put("leader_label_value", ClusterServices.PRIMARY);
    kubernetes.put("follower_label_value", ClusterServices.REPLICA);
    kubernetes.put("standby_leader_label_value", ClusterServices.PRIMARY);
    kubernetes.put("use_endpoints", false);
    doc.put("kubernetes", kubernetes);

    Map<String, Object> restapi = new LinkedHashMap<>();
    restapi.put("listen", "0.0.0.0:" + ClusterNames.PATRONI_PORT);
    if (model.patroni().restApiTls()) {
      // HTTPS with the PostgreSQL server certificate (its SANs name every pod of the headless Service).
      restapi.put("certfile", TLS_MOUNT + "/tls.crt");
      restapi.put("keyfile", TLS_MOUNT + "/tls.key");
      restapi.put("cafile", TLS_MOUNT + "/ca.crt");
      doc.put("restapi", restapi);
      doc.put("ctl", ctl());
    } else {
      doc.put("restapi", restapi);
    }

    Map<String, Object> dcs = new LinkedHashMap<>();
    dcs.put("ttl", model.patroni().ttlSeconds());
    dcs.put("loop_wait", 10);
    dcs.put("retry_timeout", 10);
    dcs.put("maximum_lag_on_failover", model.patroni().maximumLagOnFailoverBytes());
    dcs.put("synchronous_mode", model.patroni().synchronousMode());
    Map<String, Object> dcsPostgres = new LinkedHashMap<>();
    dcsPostgres.put("use_pg_rewind", true);
    dcsPostgres.put("use_slots", true);
    // Parameters that must be equal on every member live in the DCS; Patroni applies them there.
    // Only the first start reads them here: afterwards the operator keeps the DCS equal to them
    // through PATCH /config (PatroniOperations).
    if (withDcsParameters) {
      dcsPostgres.put("parameters", postgresParameters(model));
    }
    dcs.put("postgresql", dcsPostgres);

    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("dcs", dcs);
    model.pgBackRestBootstrap().ifPresent(source -> {
      // Patroni's custom bootstrap: the script restores the files, then Patroni starts PostgreSQL
      // with these recovery settings, waits for the replay to end, and makes it the primary.
      Map<String, Object> recovery = new LinkedHashMap<>();
      recovery.put("restore_command", "sh " + MOUNT_PATH + "/" + PGBACKREST_RESTORE_FILE + " archive-get %f \"%p\"");
      recovery.put("recovery_target_timeline", "latest");
      if (source.targetTime() != null) {
        recovery.put("recovery_target_time", recoveryTargetTime(source.targetTime()));
        recovery.put("recovery_target_action", "promote");
      }
      Map<String, Object> method = new LinkedHashMap<>();
      method.put("command", "sh " + MOUNT_PATH + "/" + PGBACKREST_RESTORE_FILE);
      method.put("no_params", true);
      method.put("recovery_conf", recovery);
      bootstrap.put("method", "pgbackrest");
      bootstrap.put("pgbackrest", method);
    });
    List<Object> initdb = new java.util.ArrayList<>();
    initdb.add(Map.of("encoding", "UTF8"));
    initdb.add(Map.of("locale", "C.UTF-8"));
    initdb.add("data-checksums");
    if (model.wal().isPresent()) {
      initdb.add(Map.of("waldir", WAL_MOUNT + "/pg_wal"));
    }
    bootstrap.put("initdb", initdb);
    // Patroni 3.0 still reads the initial pg_hba from here; later versions from postgresql.pg_hba.
    bootstrap.put("pg_hba", pgHba(model));
    // Patroni splits this command line and appends the connection URL as the last argument.
    bootstrap.put("post_init", "sh " + MOUNT_PATH + "/" + POST_INIT_FILE);
    doc.put("bootstrap", bootstrap);

    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("listen", "0.0.0.0:" + ClusterNames.POSTGRES_PORT);
    postgresql.put("data_dir", PodLayout.DATA_DIR);
    postgresql.put("pgpass", "/tmp/pgpass");
    postgresql.put("use_unix_socket", true);
    // Local parameters win over the DCS in Patroni: only what the operator owns (no spec field can
    // override it) stays here, so spec.postgresql.parameters changes through the DCS take effect.
    postgresql.put("parameters", operatorParameters(model));
    postgresql.put("pg_hba", pgHba(model));
    model.pgBackRest().ifPresent(pgbr ->
        // A replica that fell behind its primary's WAL catches up from the archive.
        postgresql.put("recovery_conf", Map.of("restore_command", PgBackRestConf.restoreCommand(model.names().cluster()))));
    doc.put("postgresql", postgresql);
    return doc;
  }

  /**
   * How members call each other's REST API (leader race, switchover checks) and how patronictl does.
   * Patroni's daemon always calls other members "insecure" (patroni/__main__.py), which checks the
   * chain against ctl.cacert only when a client certificate is set (ctl.certfile; 3.0 also takes
   * restapi.certfile) and never the host name: members' api_url hold pod IPs, which no certificate
   * names. ctl.insecure does the same for patronictl. The REST API asks for no client certificate
   * (verify_client none): the password guards the changing calls.
   */
  static Map<String, Object> ctl() {
    Map<String, Object> ctl = new LinkedHashMap<>();
    ctl.put("cacert", TLS_MOUNT + "/ca.crt");
    ctl.put("certfile", TLS_MOUNT + "/tls.crt");
    ctl.put("keyfile", TLS_MOUNT + "/tls.key");
    ctl.put("insecure", true);
    return ctl;
  }

  public static Map<String, Object> postgresParameters(ClusterModel model) {
    Map<String, Object> p = new TreeMap<>(model.postgresParameters());
    p.putAll(operatorParameters(model));
    if (model.pgBackRest().isPresent()) {
      // A quiet market still closes a WAL segment a minute: the point-in-time recovery window lags by at most that.
      p.putIfAbsent("archive_timeout", "60");
    }
    p.putIfAbsent("log_min_duration_statement", "1000");
    return p;
  }

  /** The parameters no spec field can set: libraries, socket, archiving commands, password hashing, TLS files. */
  static Map<String, Object> operatorParameters(ClusterModel model) {
    Map<String, Object> p = new TreeMap<>();
    p.put("shared_preload_libraries", String.join(",", model.sharedPreloadLibraries()));
    p.put("unix_socket_directories", PodLayout.SOCKET_DIR);
    if (model.pgBackRest().isPresent()) {
      p.put("archive_mode", "on");
      p.put("archive_command", PgBackRestConf.archiveCommand(model.names().cluster()));
    }
    p.put("password_encryption", "scram-sha-256");
    if (model.tlsEnabled()) {
      p.put("ssl", "on");
      p.put("ssl_cert_file", TLS_MOUNT + "/tls.crt");
      p.put("ssl_key_file", TLS_MOUNT + "/tls.key");
      p.put("ssl_ca_file", TLS_MOUNT + "/ca.crt");
      p.put("ssl_min_protocol_version", "TLSv1.2");
    }
    return p;
  }

  /** Every network connection needs a SCRAM password, and TLS when it is enabled. */
  static List<String> pgHba(ClusterModel model) {
    String host = model.tlsEnabled() ? "hostssl" : "host";
    return List.of(
        "local all all peer",
        "local replication all peer",
        host + " replication " + ClusterSecrets.REPLICATION_USER + " all scram-sha-256",
        host + " all all all scram-sha-256");
  }

  /**
   * An RFC 3339 time as recovery_target_time takes it: PostgreSQL refuses zone abbreviations
   * such as the "Z" of UTC, so the offset is written out.
   */
  static String recoveryTargetTime(String rfc3339) {
    return java.time.OffsetDateTime.parse(rfc3339)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx"));
  }

  /**
   * pgBackRest against the bootstrap source repository, with its own config file and keys. With
   * no arguments it restores the chosen backup into the empty data directory (recovery settings
   * come from Patroni); otherwise it runs the given command, such as archive-get for recovery.
   */
  static String pgBackRestRestoreScript(ClusterModel.PgBackRestBootstrap source) {
    StringBuilder restore = new StringBuilder("--pg1-path=\"$PGDATA\" --delta");
    if (source.backupLabel() != null) {
      restore.append(" --set=").append(source.backupLabel());
    }
    if (source.targetTime() != null) {
      // pgBackRest picks the newest backup that ended before the target.
      restore.append(" --type=time --target=\"").append(recoveryTargetTime(source.targetTime()))
          .append("\" --target-action=promote");
    }
    // Recovery settings equal to Patroni's recovery_conf, with WAL fetched through this script.
    restore.append(" --target-timeline=latest --recovery-option=\"restore_command=sh $self archive-get %f \\\"%p\\\"\" restore");
    return """
        #!/bin/sh
        # pgBackRest against the repository this cluster was first started from (Patroni bootstrap method "pgbackrest").
        set -eu
        self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
        unset PGBACKREST_REPO1_S3_KEY PGBACKREST_REPO1_S3_KEY_SECRET
        export PGBACKREST_CONFIG="$(dirname "$self")/%s"
        if [ -n "${%s:-}" ]; then
          export PGBACKREST_REPO1_S3_KEY="$%s" PGBACKREST_REPO1_S3_KEY_SECRET="$%s"
        fi
        # No arguments: the restore into the empty data directory (PGDATA, the container's data directory).
        if [ "$#" -eq 0 ]; then
          set -- %s
        fi
        exec pgbackrest --stanza=%s "$@"
        """.formatted(PGBACKREST_BOOTSTRAP_FILE, SOURCE_S3_KEY_ENV, SOURCE_S3_KEY_ENV, SOURCE_S3_KEY_SECRET_ENV,
            restore, source.stanza());
  }

  /**
   * Patroni calls the post_init hook with a connection URL to the new primary. With WAL archiving
   * on, the stanza is created first: archive-push fails until it exists. A failure here only
   * delays archiving (the first backup Job creates the stanza too), so it does not stop the start.
   */
  private static String postInitScript(ClusterModel model) {
    String stanza = model.pgBackRest().isEmpty() ? "" : """
        pgbackrest --stanza=%s stanza-create \
          || echo "pgbackrest stanza-create failed; WAL archiving waits for the first backup Job to create it" >&2
        """.formatted(model.names().cluster());
    return """
        #!/bin/sh
        # Runs once, on the first primary, right after initdb.
        set -eu
        %sexec psql "$1" -X -q -f %s/%s
        """
        .formatted(stanza, MOUNT_PATH, BOOTSTRAP_SQL_FILE);
  }
}
