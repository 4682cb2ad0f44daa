package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;

/**
 * The cluster's pgBackRest repository. Setting it turns on WAL archiving (archive_mode on, every
 * segment pushed by pgBackRest) and a pgBackRest TLS server beside each instance, which
 * BackupSchedules with method pgBackRest use.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PgBackRestRepositorySpec {

  @JsonPropertyDescription(
      "Archive WAL and serve pgBackRest. Defaults to true when pgBackRest is set; false keeps the settings but "
          + "turns archiving off (restarting the instances, like any change here).")
  private Boolean enabled;

  @Required
  @JsonPropertyDescription(
      "Where WAL and pgBackRest backups go: s3 (reached over HTTPS) or pvc. A pvc is mounted by "
          + "every instance and by the backup Jobs, so with more than one instance it must be "
          + "ReadWriteMany. The S3 prefix defaults to <namespace>/<cluster>/pgbackrest.")
  private BackupStorageSpec repository;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public BackupStorageSpec getRepository() { return repository; }
  public void setRepository(BackupStorageSpec repository) { this.repository = repository; }
}
