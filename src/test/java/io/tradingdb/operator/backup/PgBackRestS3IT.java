package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import io.tradingdb.operator.kube.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * pgBackRest with an S3 repository: s3proxy over HTTPS with a certificate from the test CA, named by
 * the storage's caSecretRef (repo1-storage-ca-file; PGBACKREST_REPO1_STORAGE_CA_FILE points it at this
 * machine's copy).
 * Retention is exercised by {@link PgBackRestPvcIT}: s3proxy 2.6.0 never answers pgBackRest's
 * multi-object DELETE, so expire times out against it (a test-server gap, not an S3 one).
 */
class PgBackRestS3IT extends PgBackRestFlow {

  @Test
  @Order(5)
  void aWrongStorageKeyIsReportedWithoutTheKey() throws Exception {
    BackupModel model = model(schedule());
    BackupScriptRunner.Run badKey = runner().run(BackupScriptsIT.backupContainer(model), model,
        jobOverrides(Map.of("PGBACKREST_REPO1_S3_KEY_SECRET", "wrong-secret")));
    assertThat(badKey.exitCode()).isNotZero();
    assertThat(badKey.reason()).as(badKey.stdout()).isEqualTo("StorageAccessDenied");
    assertThat(badKey.terminationMessage()).contains("StorageAccessDenied").doesNotContain("wrong-secret");
  }

  private static final String BUCKET = "trading-backups";
  private S3TestServer s3;

  @Override
  void startRepository(CertificateAuthority.Pem serverPem) throws Exception {
    s3 = S3TestServer.https(Files.createDirectories(base.resolve("s3")), serverPem);
    s3.createBucket(BUCKET);
  }

  @Override
  void stopRepository() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  BackupStorageSpec repository() {
    BackupStorageSpec.S3Storage bucket = new BackupStorageSpec.S3Storage();
    bucket.setBucket(BUCKET);
    bucket.setEndpoint(s3.endpoint());
    bucket.setCredentialsSecretRef(new LocalObjectRef(BackupSchedules.S3_SECRET));
    // The test CA signs s3proxy's certificate, as a private CA signs an in-cluster MinIO's.
    bucket.setCaSecretRef(new io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef("s3-ca", null));
    BackupStorageSpec storage = new BackupStorageSpec();
    storage.setS3(bucket);
    return storage;
  }

  /** The pods read the CA where its Secret is mounted (the generated files name that path); here, the test CA's file. */
  @Override
  Map<String, String> repositoryOverrides() {
    return Map.of("PGBACKREST_REPO1_STORAGE_CA_FILE", tls.resolve("ca.crt").toString());
  }
}
