package io.tradingdb.operator.backup;

import io.tradingdb.operator.kube.Digests;
import java.util.Locale;

/** Every name the operator generates for one BackupSchedule; nothing else invents them. */
public record BackupNames(String schedule) {

  /** Kubernetes appends 11 characters to a CronJob's name for its Jobs; 63 - 11. */
  public static final int MAX_CRONJOB_NAME = 52;

  /** Longest suffix pgBackRest's CronJobs add ("-diff", "-incr"). */
  public static final int TYPE_SUFFIX = 5;

  public String backupCronJob() { return schedule; }

  /** The CronJob of one pgBackRest backup type: the full backups keep the schedule's own name. */
  public String pgBackRestCronJob(String type) { return "full".equals(type) ? schedule : schedule + "-" + type; }
  public String verifyCronJob() { return schedule + "-verify"; }
  public String scriptsConfigMap() { return schedule + "-backup-scripts"; }

  /** The one-off Job for a tradingdb.io/backup-now token: lower-case, DNS-safe, at most 63 characters. */
  public String onDemandJob(String token) {
    String cleaned = token.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("(^-+|-+$)", "");
    String name = schedule + "-now-" + cleaned;
    if (cleaned.isEmpty() || name.length() > 63 || !cleaned.equals(token)) {
      // Distinct tokens must give distinct names even after cleaning or shortening.
      String hash = sha256(token).substring(0, 10);
      String prefix = schedule + "-now-" + cleaned;
      prefix = prefix.substring(0, Math.min(prefix.length(), 63 - hash.length() - 1)).replaceAll("-+$", "");
      name = prefix + "-" + hash;
    }
    return name;
  }

  /** Scratch database of the restore test, next to the target database. */
  public static String scratchDatabase(String targetDatabase) {
    String suffix = "_restore_test";
    String base = targetDatabase.length() > 63 - suffix.length()
        ? targetDatabase.substring(0, 63 - suffix.length())
        : targetDatabase;
    return base + suffix;
  }

  private static String sha256(String text) {
    return Digests.sha256Hex(text);
  }
}
