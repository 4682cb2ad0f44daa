package io.tradingdb.operator.pgbackrest;

import io.tradingdb.operator.kube.InvalidSpecException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * pgbackrest.conf files, generated rather than hand-written, in the two shapes a cluster needs:
 * the database pod's (archive-push, archive-get, restore, and the TLS server a backup Job connects
 * to) and the backup Job's (the repository, and every instance as a TLS host; pgBackRest finds
 * the primary itself). S3 keys are never written here: pgBackRest reads them from
 * PGBACKREST_REPO1_S3_KEY and PGBACKREST_REPO1_S3_KEY_SECRET.
 */
public final class PgBackRestConf {

  /** Port of the pgBackRest TLS server beside each PostgreSQL. */
  public static final int SERVER_PORT = 8432;
  /** Common name of the backup Job's client certificate; the servers accept only it. */
  public static final String CLIENT_CN = "pgbackrest-client";
  /** Where a PVC repository is mounted, in the database pods and in the Jobs alike. */
  public static final String PVC_MOUNT = "/pgbackrest-repo";
  /** Where the PVC repository a new cluster is restored from is mounted (read-only). */
  public static final String SOURCE_PVC_MOUNT = "/pgbackrest-source";

  private PgBackRestConf() {}

  /** A repository: exactly one of a local (posix) path or an S3 bucket. */
  public record Repository(String posixPath, S3 s3) {
    public static Repository posix(String path) { return new Repository(path, null); }
    public static Repository s3(S3 s3) { return new Repository(null, s3); }

    /** The repository of a resolved storage spec; S3 must be reached over HTTPS (pgBackRest has no plain HTTP). */
    public static Repository of(RepositoryStorage storage, String pvcMount) {
      return of(storage, pvcMount, REPOSITORY_CA_DIR);
    }

    /** As {@link #of(RepositoryStorage, String)}, with an S3 CA mounted in {@code caDir}. */
    public static Repository of(RepositoryStorage storage, String pvcMount, String caDir) {
      if (storage.pvc() != null) {
        return posix(pvcMount + "/" + storage.pvc().subPath());
      }
      RepositoryStorage.S3 s3 = storage.s3();
      String host = "s3." + s3.region() + ".amazonaws.com";
      Integer port = null;
      if (s3.endpoint() != null) {
        URI uri = URI.create(s3.endpoint());
        if (!"https".equals(uri.getScheme())) {
          throw new InvalidSpecException("pgBackRest reaches S3 only over HTTPS; storage.s3.endpoint '"
              + s3.endpoint() + "' must start with https://");
        }
        host = uri.getHost();
        port = uri.getPort() > 0 ? uri.getPort() : null;
      }
      return s3(new S3(s3.bucket(), s3.prefix(), host, port, s3.region(), s3.forcePathStyle(), s3.caFile(caDir)));
    }
  }

  /** Where every pod that reaches a cluster's S3 repository mounts its CA, if the storage names one. */
  public static final String REPOSITORY_CA_DIR = RepositoryStorage.CA_ROOT + "/repository";
  /** Where an instance mounts the CA of the S3 repository it bootstraps from. */
  public static final String SOURCE_CA_DIR = RepositoryStorage.CA_ROOT + "/source";

  /** @param caFile the CA that signs the endpoint's certificate, or null for the image's CA store */
  public record S3(String bucket, String pathPrefix, String endpoint, Integer port, String region, boolean pathStyle,
      String caFile) {

    public S3(String bucket, String pathPrefix, String endpoint, Integer port, String region, boolean pathStyle) {
      this(bucket, pathPrefix, endpoint, port, region, pathStyle, null);
    }
  }

  /** CA, certificate and key files of one side of the TLS connection. */
  public record Tls(String caFile, String certFile, String keyFile) {}

  /** pgBackRest's own retention: full backups kept by count, or by age in days; never both. */
  public record Retention(String type, int value) {
    public static Retention of(Long maxAgeSeconds, Integer maxCount) {
      if (maxCount != null && maxAgeSeconds != null) {
        throw new InvalidSpecException(
            "pgBackRest keeps full backups either by count or by age: set retention.maxCount or retention.maxAge, not both");
      }
      if (maxCount != null) {
        return new Retention("count", maxCount);
      }
      long days = Math.max(1, (maxAgeSeconds + 86399) / 86400);
      return new Retention("time", (int) Math.min(days, 9_999_999));
    }
  }

  /** Where PostgreSQL runs: its data directory, port and socket folder. */
  public record Postgres(String dataDir, int port, String socketDir) {}

  /**
   * The database pod's file. {@code workDir} holds pgBackRest's log, lock and spool folders;
   * {@code serverTls} null means no TLS server (a PVC-less test setup, or a restore-only file).
   */
  public static String databasePod(
      String stanza, Repository repo, Postgres pg, String workDir, Tls serverTls) {
    Map<String, String> global = repositoryOptions(repo);
    global.putAll(common(workDir));
    if (serverTls != null) {
      global.put("tls-server-address", "*");
      global.put("tls-server-port", Integer.toString(SERVER_PORT));
      global.put("tls-server-ca-file", serverTls.caFile());
      global.put("tls-server-cert-file", serverTls.certFile());
      global.put("tls-server-key-file", serverTls.keyFile());
      global.put("tls-server-auth", CLIENT_CN + "=" + stanza);
    }
    Map<String, String> stanzaOptions = new LinkedHashMap<>();
    stanzaOptions.put("pg1-path", pg.dataDir());
    stanzaOptions.put("pg1-port", Integer.toString(pg.port()));
    stanzaOptions.put("pg1-socket-path", pg.socketDir());
    return section("global", global) + "\n" + section(stanza, stanzaOptions);
  }

  /**
   * The backup Job's file: it is the repository host, and reaches each instance's pgBackRest
   * TLS server on {@code hosts} (primary and replicas; pgBackRest backs up from the primary).
   */
  public static String backupJob(
      String stanza, Repository repo, Retention retention, String compressType, int processMax,
      List<String> hosts, int hostPort, Postgres pg, Tls clientTls, String workDir) {
    Map<String, String> global = repositoryOptions(repo);
    global.put("repo1-retention-full-type", retention.type());
    global.put("repo1-retention-full", Integer.toString(retention.value()));
    global.put("compress-type", compressType);
    global.put("process-max", Integer.toString(processMax));
    global.put("start-fast", "y");
    global.putAll(common(workDir));
    Map<String, String> stanzaOptions = new LinkedHashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      String p = "pg" + (i + 1) + "-";
      stanzaOptions.put(p + "host", hosts.get(i));
      stanzaOptions.put(p + "host-type", "tls");
      stanzaOptions.put(p + "host-port", Integer.toString(hostPort));
      stanzaOptions.put(p + "host-ca-file", clientTls.caFile());
      stanzaOptions.put(p + "host-cert-file", clientTls.certFile());
      stanzaOptions.put(p + "host-key-file", clientTls.keyFile());
      stanzaOptions.put(p + "path", pg.dataDir());
      stanzaOptions.put(p + "port", Integer.toString(pg.port()));
      stanzaOptions.put(p + "socket-path", pg.socketDir());
    }
    return section("global", global) + "\n" + section(stanza, stanzaOptions);
  }

  /** The archive_command PostgreSQL runs for each WAL segment; the file comes from PGBACKREST_CONFIG. */
  public static String archiveCommand(String stanza) {
    return "pgbackrest --stanza=" + stanza + " archive-push %p";
  }

  /** The restore_command replicas and recoveries fetch archived WAL with. */
  public static String restoreCommand(String stanza) {
    return "pgbackrest --stanza=" + stanza + " archive-get %f \"%p\"";
  }

  private static Map<String, String> repositoryOptions(Repository repo) {
    Map<String, String> global = new LinkedHashMap<>();
    if (repo.posixPath() != null) {
      global.put("repo1-type", "posix");
      global.put("repo1-path", repo.posixPath());
    } else {
      S3 s3 = repo.s3();
      global.put("repo1-type", "s3");
      global.put("repo1-path", "/" + s3.pathPrefix());
      global.put("repo1-s3-bucket", s3.bucket());
      global.put("repo1-s3-endpoint", s3.endpoint());
      if (s3.port() != null) {
        global.put("repo1-storage-port", Integer.toString(s3.port()));
      }
      global.put("repo1-s3-region", s3.region());
      global.put("repo1-s3-uri-style", s3.pathStyle() ? "path" : "host");
      if (s3.caFile() != null) {
        global.put("repo1-storage-ca-file", s3.caFile());
      }
    }
    return global;
  }

  private static Map<String, String> common(String workDir) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("archive-async", "n");
    options.put("log-path", workDir + "/log");
    options.put("lock-path", workDir + "/lock");
    options.put("spool-path", workDir + "/spool");
    options.put("log-level-console", "warn");
    options.put("log-level-stderr", "error");
    options.put("log-level-file", "info");
    return options;
  }

  private static String section(String name, Map<String, String> options) {
    for (String value : options.values()) {
      if (value == null || value.contains("\n") || value.contains("\r")) {
        throw new InvalidSpecException("pgBackRest option values must be set and single-line: " + options);
      }
    }
    return "[" + name + "]\n" + options.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
  }
}
