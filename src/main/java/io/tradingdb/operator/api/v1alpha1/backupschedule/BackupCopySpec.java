package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.tradingdb.operator.api.v1alpha1.common.StoragePaths;

/**
 * An additional destination that each successful backup is copied to (the guide's off-site copy),
 * with rclone from the Job's pod. A failed copy never fails the backup: it is reported on its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.s3) != has(self.rclone)", message = "a copy needs exactly one of s3 or rclone")
public class BackupCopySpec {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
  @JsonPropertyDescription("Name of the copy in status, events and metrics (label copy), for example offsite.")
  private String name;

  @JsonPropertyDescription(
      "Copy to this destination. Defaults to true; false stops copying and applying retention there, "
          + "and leaves the copies already made.")
  private Boolean enabled;

  @JsonPropertyDescription(
      "A second S3-compatible bucket (another bucket, endpoint, region or account). The prefix "
          + "defaults to <namespace>/<backupschedule name>, as for storage.s3.")
  private BackupStorageSpec.S3Storage s3;

  @JsonPropertyDescription("Any rclone remote (SFTP, Azure Blob, GCS, B2, another S3...), configured from a Secret.")
  private RcloneDestination rclone;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public BackupStorageSpec.S3Storage getS3() { return s3; }
  public void setS3(BackupStorageSpec.S3Storage s3) { this.s3 = s3; }
  public RcloneDestination getRclone() { return rclone; }
  public void setRclone(RcloneDestination rclone) { this.rclone = rclone; }

  /** A remote of an rclone configuration file kept in a Secret, and the folder inside it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RcloneDestination {
    @Required
    @JsonPropertyDescription(
        "Secret key holding an rclone configuration file (what rclone config writes, with "
            + "credentials). The key defaults to rclone.conf.")
    private SecretKeyRef configSecretRef;

    @Required
    @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.+@-]{0,63}$")
    @JsonPropertyDescription("Name of the remote in that configuration (its [section]), for example offsite.")
    private String remote;

    @Required
    @Size(min = 1, max = 512)
    @Pattern("^[A-Za-z0-9_.@+-]+(/[A-Za-z0-9_.@+-]+)*$")
    @ValidationRule(value = StoragePaths.NO_PARENT_RULE, message = "path may not contain '..'")
    @JsonPropertyDescription(
        "Folder inside the remote, without leading or trailing '/'; for bucket-based remotes it starts "
            + "with the bucket, for example trading-offsite/prod/nightly.")
    private String path;

    public SecretKeyRef getConfigSecretRef() { return configSecretRef; }
    public void setConfigSecretRef(SecretKeyRef configSecretRef) { this.configSecretRef = configSecretRef; }
    public String getRemote() { return remote; }
    public void setRemote(String remote) { this.remote = remote; }
    public String getPath() { return path; }
    public void setPath(String path) { this.path = path; }
  }
}
