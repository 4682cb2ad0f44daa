package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.tradingdatabase.PgBackRestSamples;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated patroni.yaml passes Patroni's own validator (Debian's patroni, run with
 * --validate-config), given the environment the StatefulSet sets in the pod.
 */
class PatroniConfigMapIT {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Profile.class)
  void generatedConfigurationPassesPatronisValidator(Profile profile) throws Exception {
    TradingDatabase db = Samples.tradingDatabase("trading", "market");
    db.getSpec().setProfile(profile);
    validate(ClusterModel.from(db));
  }

  /** WAL archiving, a replica's restore_command, and the custom bootstrap method of a point-in-time recovery. */
  @Test
  void pointInTimeRecoveryBootstrapPassesPatronisValidator() throws Exception {
    TradingDatabase db = Samples.tradingDatabase("trading", "market-restored");
    db.getSpec().setProfile(Profile.PRODUCTION);
    db.getSpec().setPgBackRest(PgBackRestSamples.repository());
    db.getSpec().setBootstrap(PgBackRestSamples.pointInTime("market", "2026-11-26T03:00:00Z"));
    ClusterModel model = ClusterModel.from(db);
    String yaml = PatroniConfigMap.configMap(model).getData().get(PatroniConfigMap.CONFIG_FILE);
    assertThat(yaml).contains("method: pgbackrest").contains("recovery_target_time: 2026-11-26 03:00:00.000000+00:00")
        .contains("archive_mode: \"on\"");
    validate(model);
  }

  private void validate(ClusterModel model) throws Exception {
    Path config = dir.resolve("patroni.yaml");
    Files.writeString(config, PatroniConfigMap.configMap(model).getData().get(PatroniConfigMap.CONFIG_FILE));

    ProcessBuilder pb = new ProcessBuilder("patroni", "--validate-config", config.toString());
    pb.redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    StatefulSet sts = ClusterStatefulSet.build(model, "x", Map.of());
    // Values the kubelet would inject: field references and Secret keys.
    for (EnvVar var : sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      env.put(var.getName(), var.getValue() != null ? var.getValue() : "placeholder");
    }
    // The logins the pod reads from credentials.yaml (PatroniCredentials); Debian's Patroni 3.0
    // validates one file, so they come as the environment here.
    for (String login : List.of("SUPERUSER", "REWIND", "REPLICATION", "RESTAPI")) {
      env.put("PATRONI_" + login + "_USERNAME", "placeholder");
      env.put("PATRONI_" + login + "_PASSWORD", "placeholder");
    }
    // A pod IP as the kubelet would report it; the validator only parses it, nothing connects.
    env.put("PATRONI_KUBERNETES_POD_IP", "198.18.1.7");
    env.put("PATRONI_NAME", "market-0");
    env.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "198.18.1.7:5432");
    env.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "198.18.1.7:8008");
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output).as("patroni --validate-config output").isEmpty();
    assertThat(p.exitValue()).isZero();
  }
}
