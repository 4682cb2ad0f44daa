package io.tradingdb.operator.tradingdatabase.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PatroniCredentialsTest {

  static final PatroniCredentials.Logins LOGINS = new PatroniCredentials.Logins("postgres", "su-pw", "repl-pw", "rest-pw");

  @Test
  void aConfigurationFileWithTheLoginsAndTheirVersionAsATag() {
    String version = PatroniCredentials.version(LOGINS);
    assertThat(PatroniCredentials.file(LOGINS)).isEqualTo("""
        postgresql:
          authentication:
            superuser:
              username: "postgres"
              password: "su-pw"
            rewind:
              username: "postgres"
              password: "su-pw"
            replication:
              username: "standby"
              password: "repl-pw"
        restapi:
          authentication:
            username: "patroni"
            password: "rest-pw"
        tags:
          credentials: "%s"
        """.formatted(version));
    assertThat(version).hasSize(16).doesNotContain("pw");
  }

  @Test
  void anyPasswordChangesTheVersion() {
    String v = PatroniCredentials.version(LOGINS);
    assertThat(PatroniCredentials.version(new PatroniCredentials.Logins("postgres", "su-pw", "repl-pw2", "rest-pw"))).isNotEqualTo(v);
    assertThat(PatroniCredentials.version(new PatroniCredentials.Logins("postgres", "su-pw", "repl-pw", "rest-pw2"))).isNotEqualTo(v);
    assertThat(LOGINS.toString()).doesNotContain("pw");
  }

  @Test
  void theSecretHoldsTheFile() {
    ClusterModel model = ClusterModel.from(Samples.tradingDatabase("ns", "db"));
    var secret = PatroniCredentials.secret(model, LOGINS);
    assertThat(secret.getMetadata().getName()).isEqualTo("db-patroni-credentials");
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get(PatroniCredentials.FILE)), StandardCharsets.UTF_8))
        .isEqualTo(PatroniCredentials.file(LOGINS));
  }
}
