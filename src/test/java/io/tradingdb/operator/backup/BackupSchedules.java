package io.tradingdb.operator.backup;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleSpec;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.CompressionAlgorithm;
import io.tradingdb.operator.api.v1alpha1.backupschedule.DumpFormat;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgDumpSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.RetentionSpec;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.common.ExternalDatabase;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import io.tradingdb.operator.api.v1alpha1.common.SslMode;

/** BackupSchedule objects for tests, written as a user would. */
final class BackupSchedules {

  static final String PG_SECRET = "pg-admin";
  static final String S3_SECRET = "backup-s3";

  private BackupSchedules() {}

  static BackupSchedule external(String name, String host, int port, String database) {
    ExternalDatabase external = new ExternalDatabase();
    external.setHost(host);
    external.setPort(port);
    external.setDatabase(database);
    external.setSslMode(SslMode.DISABLE);
    external.setCredentialsSecretRef(new LocalObjectRef(PG_SECRET));
    BackupScheduleSpec spec = new BackupScheduleSpec();
    spec.setTarget(DatabaseTarget.external(external));
    spec.setSchedule("0 3 * * *");
    BackupSchedule schedule = new BackupSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("trading").withGeneration(1L)
        .withCreationTimestamp("2026-11-01T00:00:00Z").build());
    schedule.setSpec(spec);
    return schedule;
  }

  static BackupSchedule tradingDatabase(String name, String cluster) {
    BackupSchedule schedule = external(name, "unused", 5432, "unused");
    schedule.getSpec().setTarget(DatabaseTarget.tradingDatabase(cluster));
    return schedule;
  }

  static void s3(BackupSchedule schedule, String endpoint, String bucket, String prefix) {
    BackupStorageSpec.S3Storage s3 = new BackupStorageSpec.S3Storage();
    s3.setBucket(bucket);
    s3.setPrefix(prefix);
    s3.setEndpoint(endpoint);
    s3.setCredentialsSecretRef(new LocalObjectRef(S3_SECRET));
    BackupStorageSpec storage = new BackupStorageSpec();
    storage.setS3(s3);
    schedule.getSpec().setStorage(storage);
  }

  static void pvc(BackupSchedule schedule, String claim, String subPath) {
    BackupStorageSpec.PvcStorage pvc = new BackupStorageSpec.PvcStorage();
    pvc.setClaimName(claim);
    pvc.setSubPath(subPath);
    BackupStorageSpec storage = new BackupStorageSpec();
    storage.setPvc(pvc);
    schedule.getSpec().setStorage(storage);
  }

  static void dump(BackupSchedule schedule, DumpFormat format, CompressionAlgorithm algorithm, Integer level, Integer jobs) {
    PgDumpSpec dump = schedule.getSpec().getPgDump() == null ? new PgDumpSpec() : schedule.getSpec().getPgDump();
    dump.setFormat(format);
    PgDumpSpec.CompressionSpec compression = new PgDumpSpec.CompressionSpec();
    compression.setAlgorithm(algorithm);
    compression.setLevel(level);
    dump.setCompression(compression);
    dump.setJobs(jobs);
    schedule.getSpec().setPgDump(dump);
  }

  static void retention(BackupSchedule schedule, String maxAge, Integer maxCount) {
    RetentionSpec retention = new RetentionSpec();
    retention.setMaxAge(maxAge);
    retention.setMaxCount(maxCount);
    schedule.getSpec().setRetention(retention);
  }
}
