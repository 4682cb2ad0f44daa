package io.tradingdb.operator.pgbackrest;

import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.StoragePaths;
import io.tradingdb.operator.kube.InvalidSpecException;

/**
 * Where backups live, resolved from a storage spec: exactly one of s3 or pvc is non-null. Shared by
 * BackupSchedules (pg_dump and pgBackRest) and by a cluster's own pgBackRest repository.
 */
public record RepositoryStorage(S3 s3, Pvc pvc) {

  /**
   * @param caSecret Secret holding the CA that signs the endpoint's certificate, or null for the
   *     image's CA store; {@code caKey} is its key
   */
  public record S3(
      String bucket, String prefix, String endpoint, String region, String credentialsSecret,
      boolean forcePathStyle, String caSecret, String caKey) {

    public S3(String bucket, String prefix, String endpoint, String region, String credentialsSecret,
        boolean forcePathStyle) {
      this(bucket, prefix, endpoint, region, credentialsSecret, forcePathStyle, null, null);
    }

    /** The CA file under {@code dir} where a pod mounts {@link #caVolume}; null without a CA. */
    public String caFile(String dir) {
      return caSecret == null ? null : dir + "/" + CA_FILE;
    }

    /** The CA Secret's one key as {@link #CA_FILE}, readable by any user (a CA is public); null without a CA. */
    public io.fabric8.kubernetes.api.model.Volume caVolume(String volumeName) {
      return caSecret == null ? null : new io.fabric8.kubernetes.api.model.VolumeBuilder().withName(volumeName)
          .withNewSecret().withSecretName(caSecret).withDefaultMode(0444)
          .addNewItem().withKey(caKey).withPath(CA_FILE).endItem().endSecret().build();
    }
  }

  /** The file name a storage CA is mounted under, in a folder per storage. */
  public static final String CA_FILE = "ca.crt";
  /** Where pods mount storage CAs: one folder per storage, for example {@code /etc/tradingdb/s3-ca/repository}. */
  public static final String CA_ROOT = "/etc/tradingdb/s3-ca";

  public record Pvc(String claimName, String subPath) {}

  /** Resolves a storage spec; the prefix and sub-path apply when the spec leaves them unset. */
  public static RepositoryStorage from(BackupStorageSpec spec, String defaultPrefix, String defaultSubPath) {
    if (spec == null || (spec.getS3() == null) == (spec.getPvc() == null)) {
      throw new InvalidSpecException("exactly one of storage.s3 or storage.pvc must be set");
    }
    String escape = spec.getS3() != null
        ? StoragePaths.problem("storage.s3.prefix", spec.getS3().getPrefix())
        : StoragePaths.problem("storage.pvc.subPath", spec.getPvc().getSubPath());
    if (escape != null) {
      throw new InvalidSpecException(escape);
    }
    if (spec.getS3() != null) {
      BackupStorageSpec.S3Storage s3 = spec.getS3();
      return new RepositoryStorage(
          new S3(
              s3.getBucket(),
              s3.getPrefix() == null ? defaultPrefix : s3.getPrefix(),
              s3.getEndpoint(),
              s3.getRegion() == null ? "us-east-1" : s3.getRegion(),
              s3.getCredentialsSecretRef().getName(),
              s3.getForcePathStyle() != null ? s3.getForcePathStyle() : s3.getEndpoint() != null,
              s3.getCaSecretRef() == null ? null : s3.getCaSecretRef().getName(),
              s3.getCaSecretRef() == null ? null
                  : s3.getCaSecretRef().getKey() == null ? CA_FILE : s3.getCaSecretRef().getKey()),
          null);
    }
    BackupStorageSpec.PvcStorage pvc = spec.getPvc();
    return new RepositoryStorage(
        null, new Pvc(pvc.getClaimName(), pvc.getSubPath() == null ? defaultSubPath : pvc.getSubPath()));
  }
}
