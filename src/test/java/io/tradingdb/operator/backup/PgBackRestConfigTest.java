package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgBackRestConfigTest {

  @Test
  void s3RepositoryConfigHasNoKeys() throws Exception {
    PgBackRestConfig config = new PgBackRestConfig("ai-trading", "/home/postgres/pgdata/data", 5432, "/var/run/postgresql",
        PgBackRestConfig.Repo.s3(new PgBackRestConfig.S3("trading-backups", "trading/ai-trading", "minio.storage.svc",
            "eu-west-2", true, true)),
        4, "zst", 2, "/scratch/pgbackrest");
    Golden.assertText("pgbackrest-s3.conf", config.render());
    assertThat(config.render()).doesNotContain("s3-key");
    assertThat(config.archiveCommand("/etc/pgbackrest/pgbackrest.conf"))
        .isEqualTo("pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=ai-trading archive-push %p");
  }

  @Test
  void refusesMultiLineValues() {
    PgBackRestConfig config = new PgBackRestConfig("s", "/data\n[evil]", 5432, "/run", PgBackRestConfig.Repo.posix("/repo"),
        1, "gz", 1, "/log");
    assertThatThrownBy(config::render).hasMessageContaining("single-line");
  }
}
