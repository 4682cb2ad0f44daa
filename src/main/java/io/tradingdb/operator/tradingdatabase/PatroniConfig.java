package io.tradingdb.operator.tradingdatabase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
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
public final class PatroniConfig {

  public static final String CONFIG_FILE = "patroni.yaml";
  public static final String BOOTSTRAP_SQL_FILE = "bootstrap.sql";
  public static final String POST_INIT_FILE = "post-init.sh";
  public static final String MOUNT_PATH = "/etc/patroni";
  public static final String DATA_MOUNT = "/home/postgres/pgdata";
  public static final String DATA_DIR = DATA_MOUNT + "/data";
  public static final String WAL_MOUNT = "/home/postgres/pgwal";
  public static final String TLS_MOUNT = "/etc/tradingdb/tls";

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private PatroniConfig() {}

  public static ConfigMap configMap(ClusterModel model) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CONFIG_FILE, yaml(model));
    data.put(BOOTSTRAP_SQL_FILE, BootstrapSql.psqlScript(model.databaseName()));
    data.put(POST_INIT_FILE, postInitScript());
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
    try {
      return YAML.writeValueAsString(document(model));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the Patroni configuration", e);
    }
  }

  static Map<String, Object> document(ClusterModel model) {
    ClusterNames n = model.names();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scope", n.cluster());

    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("labels", ClusterServices.podSelector(model, null));
    kubernetes.put("scope_label", "tradingdb.io/cluster");
    kubernetes.put("role_label", ClusterServices.ROLE_LABEL);
    kubernetes.put("leader_label_value", ClusterServices.PRIMARY);
    kubernetes.put("follower_label_value", ClusterServices.REPLICA);
    kubernetes.put("standby_leader_label_value", ClusterServices.PRIMARY);
    kubernetes.put("use_endpoints", false);
    doc.put("kubernetes", kubernetes);

    doc.put("restapi", Map.of("listen", "0.0.0.0:" + ClusterNames.PATRONI_PORT));

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
    dcsPostgres.put("parameters", postgresParameters(model));
    dcs.put("postgresql", dcsPostgres);

    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("dcs", dcs);
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
    postgresql.put("data_dir", DATA_DIR);
    postgresql.put("pgpass", "/tmp/pgpass");
    postgresql.put("use_unix_socket", true);
    postgresql.put("parameters", postgresParameters(model));
    postgresql.put("pg_hba", pgHba(model));
    doc.put("postgresql", postgresql);
    return doc;
  }

  static Map<String, Object> postgresParameters(ClusterModel model) {
    Map<String, Object> p = new TreeMap<>(model.postgresParameters());
    p.put("shared_preload_libraries", String.join(",", model.sharedPreloadLibraries()));
    p.put("unix_socket_directories", "/var/run/postgresql");
    p.put("password_encryption", "scram-sha-256");
    p.putIfAbsent("log_min_duration_statement", "1000");
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

  /** Patroni calls the post_init hook with a connection URL to the new primary. */
  private static String postInitScript() {
    return """
        #!/bin/sh
        # Runs once, on the first primary, right after initdb.
        set -eu
        exec psql "$1" -X -q -f %s/%s
        """
        .formatted(MOUNT_PATH, BOOTSTRAP_SQL_FILE);
  }
}
