package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;

/** Initial data for a new cluster. Only read when the cluster is first created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "bootstrap is immutable once the cluster exists")
public class BootstrapSpec {

  @JsonPropertyDescription("Restore from a backup taken by a BackupSchedule.")
  private FromBackup fromBackup;

  public FromBackup getFromBackup() { return fromBackup; }
  public void setFromBackup(FromBackup fromBackup) { this.fromBackup = fromBackup; }

  /** Which backup to restore: a pg_dump BackupSchedule's, or a pgBackRest repository's. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.backupSchedule) != has(self.pgBackRest)",
      message = "set exactly one of fromBackup.backupSchedule (a pg_dump backup) or fromBackup.pgBackRest")
  @ValidationRule(
      value = "!has(self.targetTime) || has(self.pgBackRest)",
      message = "targetTime (point-in-time recovery) needs fromBackup.pgBackRest: pg_dump backups have no WAL to replay")
  @ValidationRule(
      value = "!has(self.copy) || has(self.backupSchedule)",
      message = "copy names one of fromBackup.backupSchedule's spec.copies: it needs backupSchedule")
  public static class FromBackup {
    @JsonPropertyDescription(
        "Name of the BackupSchedule (method pgDump) in this namespace whose storage holds the backup.")
    private String backupSchedule;

    @JsonPropertyDescription(
        "A pgBackRest repository and stanza to restore from, for example the repository of a lost cluster.")
    private PgBackRestSource pgBackRest;

    @Size(min = 1, max = 128)
    @JsonPropertyDescription(
        "Backup to restore: a pg_dump backup's name from the BackupSchedule's status, or a pgBackRest "
            + "backup label. Defaults to the latest.")
    private String backupName;

    @Pattern("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
    @JsonPropertyDescription(
        "Read the backup from this off-site copy (the name of one of the BackupSchedule's spec.copies) "
            + "instead of its storage, for example when the storage is lost with the old cluster. "
            + "Defaults to the storage.")
    private String copy;

    @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
    @JsonPropertyDescription(
        "Point in time to recover to (RFC 3339, for example 2026-11-26T03:00:00Z), by replaying "
            + "archived WAL over the backup. pgBackRest only. Defaults to the end of the archive.")
    private String targetTime;

    public PgBackRestSource getPgBackRest() { return pgBackRest; }
    public void setPgBackRest(PgBackRestSource pgBackRest) { this.pgBackRest = pgBackRest; }

    public String getBackupSchedule() { return backupSchedule; }
    public void setBackupSchedule(String backupSchedule) { this.backupSchedule = backupSchedule; }
    public String getBackupName() { return backupName; }
    public void setBackupName(String backupName) { this.backupName = backupName; }
    public String getCopy() { return copy; }
    public void setCopy(String copy) { this.copy = copy; }
    public String getTargetTime() { return targetTime; }
    public void setTargetTime(String targetTime) { this.targetTime = targetTime; }
  }

  /** A pgBackRest repository and the stanza (the source cluster's name) inside it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PgBackRestSource {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    @JsonPropertyDescription("The stanza: the name of the TradingDatabase whose WAL and backups the repository holds.")
    private String stanza;

    @Required
    @JsonPropertyDescription(
        "The repository, as in that TradingDatabase's spec.pgBackRest.repository (the S3 prefix "
            + "defaults to <namespace>/<stanza>/pgbackrest).")
    private BackupStorageSpec repository;

    public String getStanza() { return stanza; }
    public void setStanza(String stanza) { this.stanza = stanza; }
    public BackupStorageSpec getRepository() { return repository; }
    public void setRepository(BackupStorageSpec repository) { this.repository = repository; }
  }
}
