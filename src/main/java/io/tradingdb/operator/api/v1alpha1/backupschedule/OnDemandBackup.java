package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * The backup requested by the latest tradingdb.io/backup-now token, for GitOps hooks to wait on:
 * once {@code token} equals the value they wrote, {@code result} is that backup's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OnDemandBackup {
  @JsonPropertyDescription("The tradingdb.io/backup-now value this result belongs to, e.g. a commit SHA.")
  private String token;
  @JsonPropertyDescription("The Job that runs the backup.")
  private String job;
  @JsonPropertyDescription("Running, Succeeded or Failed.")
  private String result;
  @JsonPropertyDescription("Why it failed, in words; or the backup's name when it succeeded.")
  private String message;
  @JsonPropertyDescription("When the backup finished (RFC 3339).")
  private String finishedAt;

  public String getToken() { return token; }
  public void setToken(String token) { this.token = token; }
  public String getJob() { return job; }
  public void setJob(String job) { this.job = job; }
  public String getResult() { return result; }
  public void setResult(String result) { this.result = result; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getFinishedAt() { return finishedAt; }
  public void setFinishedAt(String finishedAt) { this.finishedAt = finishedAt; }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnDemandBackup b && Objects.equals(token, b.token) && Objects.equals(job, b.job)
        && Objects.equals(result, b.result) && Objects.equals(message, b.message)
        && Objects.equals(finishedAt, b.finishedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, job, result);
  }
}
