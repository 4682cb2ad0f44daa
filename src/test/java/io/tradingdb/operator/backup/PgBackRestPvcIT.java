package io.tradingdb.operator.backup;

import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.kube.CertificateAuthority;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * pgBackRest with a PVC repository: a folder stands in for the volume every instance and Job
 * mounts at /pgbackrest-repo (the bootstrap source at /pgbackrest-source), and pgBackRest's
 * retention runs for real.
 */
class PgBackRestPvcIT extends PgBackRestFlow {

  @Override
  void startRepository(CertificateAuthority.Pem serverPem) throws Exception {
    Files.createDirectories(base.resolve("volume"));
  }

  @Override
  void stopRepository() {
    // the folder goes with base
  }

  @Override
  BackupStorageSpec repository() {
    BackupStorageSpec.PvcStorage pvc = new BackupStorageSpec.PvcStorage();
    pvc.setClaimName("pgbackrest-repo");
    BackupStorageSpec storage = new BackupStorageSpec();
    storage.setPvc(pvc);
    return storage;
  }

  /** The generated repo1-path with the mount point replaced by the folder; the sub-path stays. */
  @Override
  Map<String, String> repositoryOverrides() {
    return Map.of("PGBACKREST_REPO1_PATH", base.resolve("volume") + "/market-data/pgbackrest");
  }

  /**
   * Patroni itself runs the point-in-time bootstrap: Debian's Patroni with the generated
   * patroni.yaml, its Kubernetes DCS on the real API server (leader ConfigMap, role label on the
   * member's pod), the ConfigMap's scripts and bootstrap.sql, and the pod's environment. Changed
   * for this machine: addresses, folders, the kubeconfig context, TLS off, and TimescaleDB left
   * out of shared_preload_libraries and bootstrap.sql (it is not packaged for Debian).
   */
  @Test
  @Order(3)
  void patroniRecoversANewClusterToThePointInTimeAndSetsItsOwnPasswords() throws Exception {
    PatroniRun patroni = PatroniRun.start(this, "patroni-pitr");
    try {
      patroni.awaitPrimary();
      assertThat(patroni.psql("SELECT count(*) || ':' || sum(price) FROM ticks"))
          .as("the rows as they were at the target, before the DELETE").isEqualTo(countAtTarget());
      assertThat(patroni.loginWithTheClustersOwnPassword()).isEqualTo("ai_trading");
      assertThat(patroni.leaderConfigMapHolder()).as(patroni.configMaps()).isEqualTo(patroni.member());
      assertThat(patroni.roleLabel()).isIn(PatroniRun.LEADER_LABELS);
    } finally {
      patroni.stop();
    }
  }

  @Test
  @Order(4)
  void retentionExpiresTheOldestFullChainOnlyAfterANewBackupSucceeded() throws Exception {
    BackupModel model = model(schedule());
    assertThat(BackupScripts.files(model).get(BackupScripts.PGBACKREST_CONF))
        .contains("repo1-path=" + PgBackRestConf.PVC_MOUNT + "/market-data/pgbackrest\n");
    Container full = BackupScriptsIT.backupContainer(model);
    String second = backup(model, full, Map.of()).path("name").asText();
    assertThat(backupLabels()).hasSize(4);
    String third = backup(model, full, Map.of()).path("name").asText();
    // maxCount 2: the first full goes, with the differential and incremental backups built on it.
    assertThat(backupLabels()).containsExactly(second, third);
  }
}
