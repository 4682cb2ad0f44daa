package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Outcome of the last restore test. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationResult {

  @JsonPropertyDescription("When the restore test finished (RFC 3339).")
  private String time;

  @JsonPropertyDescription("Succeeded or Failed.")
  private String result;

  @JsonPropertyDescription("The backup that was restored.")
  private String backup;

  @JsonPropertyDescription("What was checked, or why it failed.")
  private String message;

  public String getTime() { return time; }
  public void setTime(String time) { this.time = time; }
  public String getResult() { return result; }
  public void setResult(String result) { this.result = result; }
  public String getBackup() { return backup; }
  public void setBackup(String backup) { this.backup = backup; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerificationResult v && Objects.equals(time, v.time)
        && Objects.equals(result, v.result) && Objects.equals(backup, v.backup)
        && Objects.equals(message, v.message);
  }

  @Override
  public int hashCode() { return Objects.hash(time, result, backup, message); }
}
