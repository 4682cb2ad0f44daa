package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One finished backup run as the operator read it from its Job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRecord {

  @JsonPropertyDescription("Backup identifier (its folder in the storage), e.g. 20261126T030000Z.")
  private String name;

  @JsonPropertyDescription("The Job that ran it.")
  private String job;

  @JsonPropertyDescription("Succeeded or Failed.")
  private String result;

  @JsonPropertyDescription("Machine-readable failure reason, e.g. AuthenticationFailed.")
  private String reason;

  @JsonPropertyDescription("Why it failed, in words.")
  private String message;

  @JsonPropertyDescription("Where the dump is, e.g. s3://bucket/prefix/20261126T030000Z/dump.pgdump.gz.")
  private String location;

  @JsonPropertyDescription("Size of the stored (compressed) dump in bytes.")
  private Long sizeBytes;

  @JsonPropertyDescription("Seconds from the start of pg_dump to the end of the upload.")
  private Double durationSeconds;

  @JsonPropertyDescription("SHA-256 of the stored dump, hex.")
  private String checksum;

  @JsonPropertyDescription("When the backup finished (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription(
      "Rows per table at the dump's snapshot, when small enough to fit; always in the manifest "
          + "next to the dump.")
  private Map<String, Long> tableRowCounts;

  @JsonPropertyDescription("The copies to spec.copies destinations, each with its own result.")
  private List<BackupCopyResult> copies;

  public List<BackupCopyResult> getCopies() { return copies; }
  public void setCopies(List<BackupCopyResult> copies) { this.copies = copies; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getJob() { return job; }
  public void setJob(String job) { this.job = job; }
  public String getResult() { return result; }
  public void setResult(String result) { this.result = result; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getLocation() { return location; }
  public void setLocation(String location) { this.location = location; }
  public Long getSizeBytes() { return sizeBytes; }
  public void setSizeBytes(Long sizeBytes) { this.sizeBytes = sizeBytes; }
  public Double getDurationSeconds() { return durationSeconds; }
  public void setDurationSeconds(Double durationSeconds) { this.durationSeconds = durationSeconds; }
  public String getChecksum() { return checksum; }
  public void setChecksum(String checksum) { this.checksum = checksum; }
  public String getCompletedAt() { return completedAt; }
  public void setCompletedAt(String completedAt) { this.completedAt = completedAt; }
  public Map<String, Long> getTableRowCounts() { return tableRowCounts; }
  public void setTableRowCounts(Map<String, Long> tableRowCounts) { this.tableRowCounts = tableRowCounts; }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupRecord r && Objects.equals(name, r.name) && Objects.equals(job, r.job)
        && Objects.equals(result, r.result) && Objects.equals(reason, r.reason)
        && Objects.equals(message, r.message) && Objects.equals(location, r.location) && Objects.equals(sizeBytes, r.sizeBytes)
        && Objects.equals(durationSeconds, r.durationSeconds) && Objects.equals(checksum, r.checksum)
        && Objects.equals(completedAt, r.completedAt) && Objects.equals(tableRowCounts, r.tableRowCounts)
        && Objects.equals(copies, r.copies);
  }

  @Override
  public int hashCode() { return Objects.hash(name, job, result, completedAt); }
}
