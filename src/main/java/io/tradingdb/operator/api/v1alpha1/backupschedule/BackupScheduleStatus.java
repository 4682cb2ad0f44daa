package io.tradingdb.operator.api.v1alpha1.backupschedule;

import io.tradingdb.operator.api.v1alpha1.common.ResourceStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** What the operator observed of the backup Jobs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleStatus extends ResourceStatus {




  @JsonPropertyDescription("The target in one line: tradingDatabase/<name> or <host>:<port>/<database>.")
  private String target;

  @JsonPropertyDescription("When the CronJob last started a Job.")
  private String lastScheduleTime;

  @JsonPropertyDescription("When the last successful backup finished.")
  private String lastSuccessTime;

  @JsonPropertyDescription("When the last failed backup finished.")
  private String lastFailureTime;

  @JsonPropertyDescription("Why the last failed backup failed, in words.")
  private String lastFailureReason;

  @JsonPropertyDescription("The last successful backup.")
  private BackupRecord lastBackup;

  @JsonPropertyDescription("The most recent backup runs, newest first (at most 10).")
  private List<BackupRecord> recentBackups;

  @JsonPropertyDescription("When the next scheduled backup is due.")
  private String nextScheduleTime;

  @JsonPropertyDescription("The last restore test.")
  private VerificationResult lastVerification;

  @JsonPropertyDescription("The tradingdb.io/backup-now token the operator last acted on.")
  private String lastOnDemandToken;

  @JsonPropertyDescription(
      "The backup of the latest tradingdb.io/backup-now token and its result: wait with "
          + "kubectl wait --for=jsonpath='{.status.onDemand.token}'=<token>, then read or wait on result.")
  private OnDemandBackup onDemand;

  public String getTarget() { return target; }
  public void setTarget(String target) { this.target = target; }
  public String getLastScheduleTime() { return lastScheduleTime; }
  public void setLastScheduleTime(String lastScheduleTime) { this.lastScheduleTime = lastScheduleTime; }
  public String getLastSuccessTime() { return lastSuccessTime; }
  public void setLastSuccessTime(String lastSuccessTime) { this.lastSuccessTime = lastSuccessTime; }
  public String getLastFailureTime() { return lastFailureTime; }
  public void setLastFailureTime(String lastFailureTime) { this.lastFailureTime = lastFailureTime; }
  public String getLastFailureReason() { return lastFailureReason; }
  public void setLastFailureReason(String lastFailureReason) { this.lastFailureReason = lastFailureReason; }
  public BackupRecord getLastBackup() { return lastBackup; }
  public void setLastBackup(BackupRecord lastBackup) { this.lastBackup = lastBackup; }
  public List<BackupRecord> getRecentBackups() { return recentBackups; }
  public void setRecentBackups(List<BackupRecord> recentBackups) { this.recentBackups = recentBackups; }
  public String getNextScheduleTime() { return nextScheduleTime; }
  public void setNextScheduleTime(String nextScheduleTime) { this.nextScheduleTime = nextScheduleTime; }
  public VerificationResult getLastVerification() { return lastVerification; }
  public void setLastVerification(VerificationResult lastVerification) { this.lastVerification = lastVerification; }
  public OnDemandBackup getOnDemand() { return onDemand; }
  public void setOnDemand(OnDemandBackup onDemand) { this.onDemand = onDemand; }
  public String getLastOnDemandToken() { return lastOnDemandToken; }
  public void setLastOnDemandToken(String lastOnDemandToken) { this.lastOnDemandToken = lastOnDemandToken; }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupScheduleStatus s
        && sameBase(s)
        && Objects.equals(target, s.target)
        && Objects.equals(lastScheduleTime, s.lastScheduleTime)
        && Objects.equals(lastSuccessTime, s.lastSuccessTime)
        && Objects.equals(lastFailureTime, s.lastFailureTime)
        && Objects.equals(lastFailureReason, s.lastFailureReason)
        && Objects.equals(lastBackup, s.lastBackup) && Objects.equals(recentBackups, s.recentBackups)
        && Objects.equals(nextScheduleTime, s.nextScheduleTime)
        && Objects.equals(lastVerification, s.lastVerification)
        && Objects.equals(lastOnDemandToken, s.lastOnDemandToken) && Objects.equals(onDemand, s.onDemand);
  }

  @Override
  public int hashCode() { return Objects.hash(getObservedGeneration(), getPhase(), lastSuccessTime, lastFailureTime); }
}
