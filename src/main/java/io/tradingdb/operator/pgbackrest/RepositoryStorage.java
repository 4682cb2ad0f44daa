package io.tradingdb.operator.pgbackrest;

import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.StoragePaths;
import io.tradingdb.operator.kube.InvalidSpecException;

/**
 * Where backups live, resolved from a storage spec: exactly one of s3 or pvc is non-null. Shared by
 * BackupSchedules (pg_dump and pgBackRest) and by a cluster's own pgBackRest repository.
 */
public record RepositoryStorage(S3 s3, Pvc pvc) {

  public record S3(
      String bucket, String prefix, String endpoint, String region, String credentialsSecret,
      boolean forcePathStyle) {}

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
              s3.getForcePathStyle() != null ? s3.getForcePathStyle() : s3.getEndpoint() != null),
          null);
    }
    BackupStorageSpec.PvcStorage pvc = spec.getPvc();
    return new RepositoryStorage(
        null, new Pvc(pvc.getClaimName(), pvc.getSubPath() == null ? defaultSubPath : pvc.getSubPath()));
  }
}
