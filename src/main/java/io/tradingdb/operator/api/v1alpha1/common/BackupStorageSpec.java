package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where backups go: an S3-compatible bucket or a PersistentVolumeClaim, exactly one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.s3) != has(self.pvc)",
    message = "exactly one of storage.s3 or storage.pvc must be set")
public class BackupStorageSpec {

  @JsonPropertyDescription("An S3-compatible bucket (AWS S3, MinIO, Ceph, GCS interoperability...).")
  private S3Storage s3;

  @JsonPropertyDescription("A PersistentVolumeClaim in this namespace, mounted by the backup pod.")
  private PvcStorage pvc;

  public S3Storage getS3() { return s3; }
  public void setS3(S3Storage s3) { this.s3 = s3; }
  public PvcStorage getPvc() { return pvc; }
  public void setPvc(PvcStorage pvc) { this.pvc = pvc; }

  /** An S3 bucket and the credentials to write to it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class S3Storage {
    @Required
    @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    @JsonPropertyDescription("Bucket name. The bucket must exist.")
    private String bucket;

    @Pattern("^([A-Za-z0-9!_.*'()-]+/)*[A-Za-z0-9!_.*'()-]+$")
    @Size(max = 512)
    @ValidationRule(value = StoragePaths.NO_PARENT_RULE, message = "prefix may not contain '..'")
    @JsonPropertyDescription(
        "Key prefix inside the bucket, without leading or trailing '/'. Defaults to "
            + "<namespace>/<backupschedule name>.")
    private String prefix;

    @Pattern("^https?://[^\\s]+$")
    @JsonPropertyDescription(
        "Endpoint URL for S3-compatible services (for example http://minio.storage.svc:9000). "
            + "Defaults to AWS S3.")
    private String endpoint;

    @Pattern("^[a-z0-9-]{1,32}$")
    @JsonPropertyDescription("Region of the bucket. Defaults to us-east-1.")
    private String region;

    @Required
    @JsonPropertyDescription(
        "Secret with the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and optionally "
            + "AWS_SESSION_TOKEN).")
    private LocalObjectRef credentialsSecretRef;

    @JsonPropertyDescription(
        "Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>; most "
            + "self-hosted S3 servers need it. Defaults to true when endpoint is set.")
    private Boolean forcePathStyle;

    @JsonPropertyDescription(
        "The CA certificate(s), PEM, that sign the endpoint's certificate, for an endpoint with a "
            + "private CA (a MinIO in the cluster). Key defaults to ca.crt. pgBackRest, the AWS CLI and "
            + "rclone then trust these for this endpoint instead of the image's CA store.")
    private SecretKeyRef caSecretRef;

    public SecretKeyRef getCaSecretRef() { return caSecretRef; }
    public void setCaSecretRef(SecretKeyRef caSecretRef) { this.caSecretRef = caSecretRef; }
    public String getBucket() { return bucket; }
    public void setBucket(String bucket) { this.bucket = bucket; }
    public String getPrefix() { return prefix; }
    public void setPrefix(String prefix) { this.prefix = prefix; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public String getRegion() { return region; }
    public void setRegion(String region) { this.region = region; }
    public LocalObjectRef getCredentialsSecretRef() { return credentialsSecretRef; }
    public void setCredentialsSecretRef(LocalObjectRef credentialsSecretRef) { this.credentialsSecretRef = credentialsSecretRef; }
    public Boolean getForcePathStyle() { return forcePathStyle; }
    public void setForcePathStyle(Boolean forcePathStyle) { this.forcePathStyle = forcePathStyle; }
  }

  /** A volume claim and a folder inside it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PvcStorage {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the PersistentVolumeClaim (ReadWriteOnce is enough; one Job runs at a time).")
    private String claimName;

    @Pattern("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
    @ValidationRule(value = StoragePaths.NO_PARENT_RULE, message = "subPath may not contain '..'")
    @JsonPropertyDescription("Folder inside the volume. Defaults to <backupschedule name>.")
    private String subPath;

    public String getClaimName() { return claimName; }
    public void setClaimName(String claimName) { this.claimName = claimName; }
    public String getSubPath() { return subPath; }
    public void setSubPath(String subPath) { this.subPath = subPath; }
  }
}
