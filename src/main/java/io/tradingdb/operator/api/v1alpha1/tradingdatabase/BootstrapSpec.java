package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Initial data for a new cluster. Only read when the cluster is first created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "bootstrap is immutable once the cluster exists")
public class BootstrapSpec {

  @JsonPropertyDescription("Restore from a backup taken by a BackupSchedule.")
  private FromBackup fromBackup;

  public FromBackup getFromBackup() { return fromBackup; }
  public void setFromBackup(FromBackup fromBackup) { this.fromBackup = fromBackup; }

  /** Which backup to restore. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FromBackup {
    @Required
    @JsonPropertyDescription("Name of the BackupSchedule in this namespace whose storage holds the backup.")
    private String backupSchedule;

    @JsonPropertyDescription("Backup to restore, as listed in the BackupSchedule's status. Defaults to the latest.")
    private String backupName;

    @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
    @JsonPropertyDescription(
        "Point in time to recover to (RFC 3339, for example 2026-11-26T03:00:00Z). pgBackRest "
            + "backups only.")
    private String targetTime;

    public String getBackupSchedule() { return backupSchedule; }
    public void setBackupSchedule(String backupSchedule) { this.backupSchedule = backupSchedule; }
    public String getBackupName() { return backupName; }
    public void setBackupName(String backupName) { this.backupName = backupName; }
    public String getTargetTime() { return targetTime; }
    public void setTargetTime(String targetTime) { this.targetTime = targetTime; }
  }
}
