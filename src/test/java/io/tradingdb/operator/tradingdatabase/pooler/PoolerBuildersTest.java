package io.tradingdb.operator.tradingdatabase.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PoolerBuildersTest {

  private static final String PASSWORD = "not-a-real-password-only-for-golden-files";

  private final ClusterModel production = TestClusters.model("pooler/production.yaml");
  private final ClusterModel staging = TestClusters.model("pooler/staging-no-tls.yaml");

  @Test
  void productionIniHasGuideDefaultsTlsAndUserSettings() {
    String ini = PgBouncerIni.render(production, PoolerLayout.inPod(production));
    Golden.assertText("pooler/production-pgbouncer.ini", ini);
    assertThat(ini)
        .contains("pool_mode = transaction\n", "max_client_conn = 100\n", "default_pool_size = 20\n",
            "reserve_pool_size = 5\n", "query_wait_timeout = 60\n", "max_db_connections = 40\n",
            "client_tls_sslmode = require\n", "server_tls_sslmode = verify-full\n",
            "ai_trading = host=trading-rw.markets.svc port=5432 dbname=ai_trading\n");
  }

  @Test
  void stagingIniTakesTypedFieldsAndHasNoTls() {
    String ini = PgBouncerIni.render(staging, PoolerLayout.inPod(staging));
    Golden.assertText("pooler/staging-pgbouncer.ini", ini);
    assertThat(ini).contains("pool_mode = session\n", "max_client_conn = 500\n").doesNotContain("tls");
  }

  @Test
  void productionObjects() {
    Golden.assertYaml("pooler/production-deployment.yaml", PoolerDeployment.build(production));
    Golden.assertYaml("pooler/production-service.yaml", PoolerService.service(production));
    Golden.assertYaml("pooler/production-pdb.yaml", PoolerService.disruptionBudget(production).orElseThrow());
    Golden.assertYaml("pooler/production-configmap.yaml", PoolerConfigMap.configMap(production));
    Golden.assertYaml("pooler/production-secret.yaml", PoolerConfigMap.authSecret(production, PASSWORD));
  }

  @Test
  void singleInstanceHasNoDisruptionBudgetAndNoExporterWithoutMonitoring() {
    assertThat(staging.pooler().instances()).isEqualTo(1);
    assertThat(PoolerService.disruptionBudget(staging)).isEmpty();
    var deployment = PoolerDeployment.build(staging);
    Golden.assertYaml("pooler/staging-deployment.yaml", deployment);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName()).containsExactly("pgbouncer");
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(v -> v.getName()).doesNotContain("tls");
  }

  @Test
  void configChangesDoNotTouchThePodTemplate() {
    ClusterModel bigger = TestClusters.model("markets", "trading", """
          profile: production
          databaseName: ai_trading
          pooler: {maxClientConn: 1000, parameters: {query_wait_timeout: "60", max_db_connections: "40"}}
          scheduling:
            nodeSelector: {pool: databases}
            tolerations: [{key: dedicated, operator: Equal, value: databases, effect: NoSchedule}]
        """);
    assertThat(PoolerConfigMap.configMap(bigger)).isNotEqualTo(PoolerConfigMap.configMap(production));
    // Same template: the change is applied by a reload in the running pods, not by a rollout.
    assertThat(PoolerDeployment.build(bigger).getSpec().getTemplate())
        .isEqualTo(PoolerDeployment.build(production).getSpec().getTemplate());
  }

  @Test
  void authFileHoldsOnlyTheLookupLogin() {
    Secret secret = PoolerConfigMap.authSecret(production, "pa\"ss");
    String userlist = new String(
        Base64.getDecoder().decode(secret.getData().get(PoolerConfigMap.AUTH_FILE_KEY)), StandardCharsets.UTF_8);
    assertThat(userlist).isEqualTo("\"tradingdb_pooler\" \"pa\"\"ss\"\n");
  }

  @Test
  void refusesAmbiguousOrOwnedOrMultiLineParameters() {
    assertThatThrownBy(() -> render("pool_mode: session"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("spec.pooler.poolMode")
        .hasMessageContaining("field of its own");
    assertThatThrownBy(() -> render("stats_users: someone"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("owned by the operator");
    assertThatThrownBy(() -> render("query_wait_timeout: \"60\\nauth_type = trust\""))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("single line");
  }

  private static String render(String parameter) {
    ClusterModel model = TestClusters.model("n", "t", """
          databaseName: ai_trading
          pooler:
            parameters:
              %s
        """.formatted(parameter));
    return PgBouncerIni.render(model, PoolerLayout.inPod(model));
  }
}
