package io.tradingdb.operator.api.v1alpha1.backupschedule;

import io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec;
import io.tradingdb.operator.api.v1alpha1.common.Formats;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import java.util.List;

/** What to back up, when, where to, and how long to keep it. Defaults are resolved in code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.pgBackRest) || (has(self.method) && self.method == 'pgBackRest')",
    message = "pgBackRest options need method 'pgBackRest'")
@ValidationRule(
    value = "!has(self.method) || self.method != 'pgBackRest' || has(self.target.tradingDatabase)",
    message = "method 'pgBackRest' needs a tradingDatabase target (it archives WAL from the cluster)")
@ValidationRule(
    value = "!has(self.pgDump) || !has(self.method) || self.method == 'pgDump'",
    message = "pgDump options need method 'pgDump'")
@ValidationRule(
    value = "has(self.storage) == (!has(self.method) || self.method == 'pgDump')",
    message = "method pgDump needs storage; method pgBackRest takes none (it writes to the TradingDatabase's spec.pgBackRest.repository)")
@ValidationRule(
    value = "!has(self.copies) || !has(self.method) || self.method == 'pgDump'",
    message = "copies need method pgDump (pgBackRest keeps its own repositories)")
@ValidationRule(
    value = "!has(self.copies) || self.copies.all(c, self.copies.filter(d, d.name == c.name).size() == 1)",
    message = "each copy name may be used once")
public class BackupScheduleSpec {

  @Required
  @JsonPropertyDescription("The database to back up: a TradingDatabase in this namespace or an external server.")
  private DatabaseTarget target;

  @Required
  @Size(min = 1, max = 100)
  @Pattern("^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$")
  @JsonPropertyDescription("Cron schedule of the backups, for example '0 3 * * *' (daily at 03:00).")
  private String schedule;

  @Size(min = 1, max = 64)
  @JsonPropertyDescription("IANA time zone of the schedule, for example Europe/London. Defaults to UTC.")
  private String timeZone;

  @JsonPropertyDescription(
      "Stop scheduling backups (running ones finish; on-demand backups still run). Defaults to false.")
  private Boolean suspend;

  @JsonPropertyDescription("pgDump (default) or pgBackRest (tradingDatabase targets only).")
  private BackupMethod method;

  @JsonPropertyDescription("pg_dump options.")
  private PgDumpSpec pgDump;

  @JsonPropertyDescription("pgBackRest options.")
  private PgBackRestSpec pgBackRest;

  @JsonPropertyDescription(
      "Where pg_dump backups are stored: exactly one of s3 or pvc. Not used by method pgBackRest, "
          + "whose repository is the TradingDatabase's spec.pgBackRest.repository.")
  private BackupStorageSpec storage;

  @Size(max = 4)
  @JsonPropertyDescription(
      "Additional destinations each successful pg_dump backup is copied to with rclone (dump, then "
          + "manifest), such as an off-site bucket. The retention applies to each of them too. A failed "
          + "copy leaves the backup Succeeded and turns condition LastCopySucceeded False.")
  private List<BackupCopySpec> copies;

  @JsonPropertyDescription("Which old backups to delete, in the storage and in every copy. Defaults to maxAge 7d.")
  private RetentionSpec retention;

  @JsonPropertyDescription("Scheduled restore tests of the latest backup.")
  private VerificationSpec verification;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "How long after its scheduled time a missed run may still start, from 10s to 1d. Defaults to 1h.")
  private String startingDeadline;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Finished successful Jobs to keep. Defaults to 3.")
  private Integer successfulJobsHistoryLimit;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Finished failed Jobs to keep. Defaults to 3.")
  private Integer failedJobsHistoryLimit;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription("Retries of a failed backup pod within one run. Defaults to 1.")
  private Integer backoffLimit;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("How long a backup Job may run before it is stopped and failed, from 1m to 7d. Defaults to 6h.")
  private String activeDeadline;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "Image of the backup Jobs. For pgDump: pg_dump, pg_restore, psql, the AWS CLI, jq, gzip, "
          + "zstd and lz4, with a pg_dump at least as new as the server; defaults to "
          + "ghcr.io/tradingdb/backup-tools:pg16 (see docs/backup.md). For pgBackRest: defaults to "
          + "the TradingDatabase's own image, whose pgBackRest version the instances' servers match.")
  private String image;

  @JsonPropertyDescription(
      "Placement of the backup, restore-test and restore pods (nodeSelector, tolerations, affinity, "
          + "priorityClassName), for example onto the nodes that may reach the database or the storage. "
          + "Defaults to none.")
  private SchedulingSpec scheduling;

  @JsonPropertyDescription("CPU and memory of the backup container. Defaults to 100m/256Mi requests, 1Gi memory limit.")
  private ResourceRequirements resources;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "Grace period after a scheduled run within which a backup must have succeeded, for example "
          + "2h or 1d; at least 1m. Past it LastBackupSucceeded turns False even if no Job failed. Defaults to 1h.")
  private String staleAfter;

  public DatabaseTarget getTarget() { return target; }
  public void setTarget(DatabaseTarget target) { this.target = target; }
  public String getSchedule() { return schedule; }
  public void setSchedule(String schedule) { this.schedule = schedule; }
  public String getTimeZone() { return timeZone; }
  public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
  public Boolean getSuspend() { return suspend; }
  public void setSuspend(Boolean suspend) { this.suspend = suspend; }
  public BackupMethod getMethod() { return method; }
  public void setMethod(BackupMethod method) { this.method = method; }
  public PgDumpSpec getPgDump() { return pgDump; }
  public void setPgDump(PgDumpSpec pgDump) { this.pgDump = pgDump; }
  public PgBackRestSpec getPgBackRest() { return pgBackRest; }
  public void setPgBackRest(PgBackRestSpec pgBackRest) { this.pgBackRest = pgBackRest; }
  public BackupStorageSpec getStorage() { return storage; }
  public void setStorage(BackupStorageSpec storage) { this.storage = storage; }
  public List<BackupCopySpec> getCopies() { return copies; }
  public void setCopies(List<BackupCopySpec> copies) { this.copies = copies; }
  public RetentionSpec getRetention() { return retention; }
  public void setRetention(RetentionSpec retention) { this.retention = retention; }
  public VerificationSpec getVerification() { return verification; }
  public void setVerification(VerificationSpec verification) { this.verification = verification; }
  public String getStartingDeadline() { return startingDeadline; }
  public void setStartingDeadline(String startingDeadline) { this.startingDeadline = startingDeadline; }
  public Integer getSuccessfulJobsHistoryLimit() { return successfulJobsHistoryLimit; }
  public void setSuccessfulJobsHistoryLimit(Integer successfulJobsHistoryLimit) { this.successfulJobsHistoryLimit = successfulJobsHistoryLimit; }
  public Integer getFailedJobsHistoryLimit() { return failedJobsHistoryLimit; }
  public void setFailedJobsHistoryLimit(Integer failedJobsHistoryLimit) { this.failedJobsHistoryLimit = failedJobsHistoryLimit; }
  public Integer getBackoffLimit() { return backoffLimit; }
  public void setBackoffLimit(Integer backoffLimit) { this.backoffLimit = backoffLimit; }
  public String getActiveDeadline() { return activeDeadline; }
  public void setActiveDeadline(String activeDeadline) { this.activeDeadline = activeDeadline; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public SchedulingSpec getScheduling() { return scheduling; }
  public void setScheduling(SchedulingSpec scheduling) { this.scheduling = scheduling; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
  public String getStaleAfter() { return staleAfter; }
  public void setStaleAfter(String staleAfter) { this.staleAfter = staleAfter; }
}
