package io.tradingdb.operator.pgbackrest;

import io.tradingdb.operator.backup.Golden;
import io.tradingdb.operator.pgbackrest.RepositoryStorage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.kube.InvalidSpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgBackRestConfTest {

  private static final PgBackRestConf.Postgres PG =
      new PgBackRestConf.Postgres("/home/postgres/pgdata/data", 5432, "/var/run/postgresql");
  private static final PgBackRestConf.Repository S3 = PgBackRestConf.Repository.of(
      new RepositoryStorage(new RepositoryStorage.S3("trading-backups", "trading/ai-trading/pgbackrest",
          "https://minio.storage.svc:9000", "eu-west-2", "s3-credentials", true), null),
      PgBackRestConf.PVC_MOUNT);

  @Test
  void theInstanceFileArchivesToS3AndServesTlsToTheBackupClientOnly() throws Exception {
    String conf = PgBackRestConf.databasePod("ai-trading", S3, PG, "/tmp/pgbackrest",
        new PgBackRestConf.Tls("/tls/ca.crt", "/tls/tls.crt", "/tls/tls.key"));
    Golden.assertText("pgbackrest-instance.conf", conf);
    assertThat(conf).doesNotContain("s3-key")
        .contains("repo1-s3-endpoint=minio.storage.svc\nrepo1-storage-port=9000\n")
        .contains("tls-server-auth=pgbackrest-client=ai-trading\n");
    assertThat(PgBackRestConf.archiveCommand("ai-trading")).isEqualTo("pgbackrest --stanza=ai-trading archive-push %p");
  }

  @Test
  void theJobFileListsEveryInstanceAsATlsHost() throws Exception {
    String conf = PgBackRestConf.backupJob("ai-trading", S3, new PgBackRestConf.Retention("count", 4), "zst", 2,
        List.of("ai-trading-0.ai-trading-pods.trading.svc", "ai-trading-1.ai-trading-pods.trading.svc"),
        PgBackRestConf.SERVER_PORT, PG, new PgBackRestConf.Tls("/tls/ca.crt", "/tls/client.crt", "/tls/client.key"),
        "/tmp/pgbackrest");
    Golden.assertText("pgbackrest-job.conf", conf);
    assertThat(conf).contains("pg2-host=ai-trading-1.ai-trading-pods.trading.svc\npg2-host-type=tls\n")
        .contains("repo1-retention-full-type=count\nrepo1-retention-full=4\n");
  }

  @Test
  void awsWithoutEndpointUsesTheRegionalHostAndPvcRepositoriesTheMount() {
    var aws = PgBackRestConf.Repository.of(new RepositoryStorage(
        new RepositoryStorage.S3("b", "p", null, "eu-west-2", "s", false), null), PgBackRestConf.PVC_MOUNT);
    assertThat(aws.s3().endpoint()).isEqualTo("s3.eu-west-2.amazonaws.com");
    assertThat(aws.s3().port()).isNull();
    var pvc = PgBackRestConf.Repository.of(new RepositoryStorage(null, new RepositoryStorage.Pvc("repo", "market-data/pgbackrest")),
        PgBackRestConf.PVC_MOUNT);
    assertThat(pvc.posixPath()).isEqualTo("/pgbackrest-repo/market-data/pgbackrest");
  }

  @Test
  void plainHttpEndpointsAndDoubleRetentionAreRefusedWithAReason() {
    assertThatThrownBy(() -> PgBackRestConf.Repository.of(new RepositoryStorage(
        new RepositoryStorage.S3("b", "p", "http://minio:9000", "us-east-1", "s", true), null), PgBackRestConf.PVC_MOUNT))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("only over HTTPS");
    assertThatThrownBy(() -> PgBackRestConf.Retention.of(86400L, 3))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not both");
    assertThat(PgBackRestConf.Retention.of(7 * 86400L, null))
        .isEqualTo(new PgBackRestConf.Retention("time", 7));
    assertThat(PgBackRestConf.Retention.of(3600L, null))
        .as("less than a day keeps a day").isEqualTo(new PgBackRestConf.Retention("time", 1));
  }

  @Test
  void refusesMultiLineValues() {
    assertThatThrownBy(() -> PgBackRestConf.databasePod("s", PgBackRestConf.Repository.posix("/repo"),
        new PgBackRestConf.Postgres("/data\n[evil]", 5432, "/run"), "/tmp", null))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("single-line");
  }
}
