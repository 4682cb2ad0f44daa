package io.tradingdb.operator.backup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * pgbackrest.conf for one stanza, generated rather than hand-written. S3 keys are never written
 * here: pgBackRest reads them from PGBACKREST_REPO1_S3_KEY and PGBACKREST_REPO1_S3_KEY_SECRET.
 *
 * @param stanza the stanza name (the TradingDatabase's name)
 * @param pgDataPath PostgreSQL's data directory
 * @param pgPort PostgreSQL's port
 * @param pgSocketPath the Unix socket directory pgBackRest connects through
 * @param repo where backups and archived WAL go
 * @param retentionFull full backups to keep (differential and incremental ones go with their full)
 * @param compressType gz, zst, lz4 or none
 * @param processMax parallel processes for backup and restore
 * @param logPath pgBackRest's log folder, and lock and spool folders beside it
 */
public record PgBackRestConfig(
    String stanza, String pgDataPath, int pgPort, String pgSocketPath, Repo repo, int retentionFull,
    String compressType, int processMax, String logPath) {

  /** A repository: exactly one of a local (posix) path, or an S3 bucket. */
  public record Repo(String posixPath, S3 s3) {
    public static Repo posix(String path) { return new Repo(path, null); }
    public static Repo s3(S3 s3) { return new Repo(null, s3); }
  }

  public record S3(String bucket, String pathPrefix, String endpoint, String region, boolean pathStyle, boolean verifyTls) {}

  public String render() {
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
      global.put("repo1-s3-region", s3.region());
      global.put("repo1-s3-uri-style", s3.pathStyle() ? "path" : "host");
      global.put("repo1-storage-verify-tls", s3.verifyTls() ? "y" : "n");
    }
    global.put("repo1-retention-full", Integer.toString(retentionFull));
    global.put("compress-type", compressType);
    global.put("process-max", Integer.toString(processMax));
    global.put("start-fast", "y");
    global.put("archive-async", "n");
    global.put("log-path", logPath);
    global.put("lock-path", logPath + "/lock");
    global.put("spool-path", logPath + "/spool");
    global.put("log-level-console", "warn");
    global.put("log-level-file", "info");
    Map<String, String> stanzaOptions = new LinkedHashMap<>();
    stanzaOptions.put("pg1-path", pgDataPath);
    stanzaOptions.put("pg1-port", Integer.toString(pgPort));
    stanzaOptions.put("pg1-socket-path", pgSocketPath);
    return section("global", global) + "\n" + section(stanza, stanzaOptions);
  }

  /** The archive_command PostgreSQL runs for each WAL segment. */
  public String archiveCommand(String configFile) {
    return "pgbackrest --config=" + configFile + " --stanza=" + stanza + " archive-push %p";
  }

  private static String section(String name, Map<String, String> options) {
    for (String value : options.values()) {
      if (value == null || value.contains("\n")) {
        throw new IllegalArgumentException("pgBackRest option values must be single-line and set: " + options);
      }
    }
    return "[" + name + "]\n" + options.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
  }
}
