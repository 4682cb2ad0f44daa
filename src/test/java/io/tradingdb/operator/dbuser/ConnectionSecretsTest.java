package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.postgres.ConnectionTarget;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSecretsTest {

  private static final ConnectionTarget WITH_POOLER = new ConnectionTarget(
      "ai-trading-rw.trading.svc", 5432, "ai_trading", "require", "ai-trading-superuser", "username", "password",
      null, null, "ai-trading-pooler.trading.svc", 6432);

  @Test
  void dataHasEveryKeyWithUrlEncodedCredentials() {
    Map<String, String> data = ConnectionSecrets.data(WITH_POOLER, "news writer", "p@ss/w:rd");
    assertThat(data).containsOnlyKeys("username", "password", "host", "port", "dbname", "sslmode", "uri", "jdbc-uri",
        "pooler-host", "pooler-port", "pooler-uri", "pooler-jdbc-uri");
    assertThat(data.get("uri"))
        .isEqualTo("postgresql://news%20writer:p%40ss%2Fw%3Ard@ai-trading-rw.trading.svc:5432/ai_trading?sslmode=require");
    assertThat(data.get("jdbc-uri")).isEqualTo("jdbc:postgresql://ai-trading-rw.trading.svc:5432/ai_trading"
        + "?user=news%20writer&password=p%40ss%2Fw%3Ard&sslmode=require");
    assertThat(data.get("pooler-uri")).startsWith("postgresql://news%20writer:p%40ss%2Fw%3Ard@ai-trading-pooler.trading.svc:6432/");
    assertThat(data.get("port")).isEqualTo("5432");
  }

  @Test
  void noPoolerKeysWithoutAPooler() {
    ConnectionTarget external = new ConnectionTarget("db.example.com", 5432, "ai_trading", "verify-full", "admin",
        "username", "password", "ca", "ca.crt", null, 0);
    assertThat(ConnectionSecrets.data(external, "r", "p")).doesNotContainKeys("pooler-host", "pooler-uri");
  }

  @Test
  void secretIsLabelledOwnedAndRoundTrips() {
    DbUser owner = DbUserFixtures.load("app-user.yaml");
    Secret secret = ConnectionSecrets.build(owner, "news-writer-connection",
        ConnectionSecrets.data(WITH_POOLER, "news_writer", "pw"), "2026-01-01T00:00:00Z");
    assertThat(secret.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.OPERATOR)
        .containsEntry(Labels.INSTANCE, "news-writer");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid()));
    assertThat(secret.getMetadata().getAnnotations()).containsEntry(ConnectionSecrets.PASSWORD_CHANGED_AT, "2026-01-01T00:00:00Z");
    assertThat(ConnectionSecrets.isOwnedBy(secret, owner)).isTrue();
    assertThat(ConnectionSecrets.decode(secret)).containsEntry("password", "pw").containsEntry("username", "news_writer");
  }

  @Test
  void ownershipMarkRoundTrips() {
    String mark = RoleOwnership.comment("trading", "news-writer", "0b7c-11ee");
    assertThat(RoleOwnership.parse(mark)).contains(new RoleOwnership.Owner("trading", "news-writer", "0b7c-11ee"));
    assertThat(RoleOwnership.parse("a role for the nightly job")).isEmpty();
    assertThat(RoleOwnership.parse(null)).isEmpty();
  }
}
