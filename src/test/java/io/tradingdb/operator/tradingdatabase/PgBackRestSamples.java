package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PgBackRestRepositorySpec;

/** pgBackRest parts of a TradingDatabase spec, as a user writes them. */
public final class PgBackRestSamples {

  private PgBackRestSamples() {}

  public static BackupStorageSpec s3() {
    BackupStorageSpec.S3Storage s3 = new BackupStorageSpec.S3Storage();
    s3.setBucket("trading-backups");
    s3.setEndpoint("https://minio.storage.svc:9000");
    s3.setCredentialsSecretRef(new LocalObjectRef("minio-credentials"));
    BackupStorageSpec storage = new BackupStorageSpec();
    storage.setS3(s3);
    return storage;
  }

  public static PgBackRestRepositorySpec repository() {
    PgBackRestRepositorySpec spec = new PgBackRestRepositorySpec();
    spec.setRepository(s3());
    return spec;
  }

  public static BootstrapSpec pointInTime(String stanza, String targetTime) {
    return pointInTime(stanza, targetTime, s3());
  }

  /** A first start recovered from {@code stanza} in {@code repository}; targetTime null replays to the end. */
  public static BootstrapSpec pointInTime(String stanza, String targetTime, BackupStorageSpec repository) {
    BootstrapSpec.PgBackRestSource source = new BootstrapSpec.PgBackRestSource();
    source.setStanza(stanza);
    source.setRepository(repository);
    BootstrapSpec.FromBackup from = new BootstrapSpec.FromBackup();
    from.setPgBackRest(source);
    from.setTargetTime(targetTime);
    BootstrapSpec bootstrap = new BootstrapSpec();
    bootstrap.setFromBackup(from);
    return bootstrap;
  }
}
