package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What one copy of a backup to a spec.copies destination did. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BackupCopyResult {

  @JsonPropertyDescription("The copy's name from spec.copies.")
  private String name;

  @JsonPropertyDescription("Succeeded or Failed.")
  private String result;

  @JsonPropertyDescription("Machine-readable failure reason, e.g. BucketNotFound or CopyFailed.")
  private String reason;

  @JsonPropertyDescription("Why it failed, in words.")
  private String message;

  @JsonPropertyDescription("Where the copy is, e.g. s3://offsite-bucket/prefix/20261126T030000Z/ or offsite:path/20261126T030000Z/.")
  private String location;

  @JsonPropertyDescription("Seconds the copy took (the overhead on top of the backup).")
  private Double durationSeconds;

  @JsonPropertyDescription("Old backups deleted from this destination by the retention.")
  private Integer retentionDeleted;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getResult() { return result; }
  public void setResult(String result) { this.result = result; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getLocation() { return location; }
  public void setLocation(String location) { this.location = location; }
  public Double getDurationSeconds() { return durationSeconds; }
  public void setDurationSeconds(Double durationSeconds) { this.durationSeconds = durationSeconds; }
  public Integer getRetentionDeleted() { return retentionDeleted; }
  public void setRetentionDeleted(Integer retentionDeleted) { this.retentionDeleted = retentionDeleted; }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupCopyResult c && Objects.equals(name, c.name) && Objects.equals(result, c.result)
        && Objects.equals(reason, c.reason) && Objects.equals(message, c.message)
        && Objects.equals(location, c.location) && Objects.equals(durationSeconds, c.durationSeconds)
        && Objects.equals(retentionDeleted, c.retentionDeleted);
  }

  @Override
  public int hashCode() { return Objects.hash(name, result, location); }
}
