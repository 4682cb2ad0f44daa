package io.tradingdb.operator.tradingdatabase.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.pooler.LocalProcesses;
import io.tradingdb.operator.tradingdatabase.pooler.TestClusters;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered alert rules pass promtool's syntax check and its unit tests (alerts fire). */
class PrometheusRulePromtoolIT {

  private static final String PROMTOOL = "/usr/bin/promtool";

  @Test
  void renderedRulesAreValidAndFireAsIntended() throws Exception {
    LocalProcesses.requireBinary(PROMTOOL, "prometheus");
    ClusterModel model = TestClusters.model("pooler/production.yaml");
    Path dir = Files.createTempDirectory("tradingdb-promtool");
    try {
      Path rules = dir.resolve("rules.yaml");
      Files.writeString(rules, Serialization.asYaml(Map.of("groups", PrometheusRuleBuilder.groups(model))));
      String check = LocalProcesses.run(List.of(PROMTOOL, "check", "rules", rules.toString()));
      assertThat(check).contains("SUCCESS: 23 rules found");

      Path tests = dir.resolve("tests.yaml");
      try (InputStream in = getClass().getResourceAsStream("/monitoring/promtool-tests.yaml")) {
        Files.write(tests, in.readAllBytes());
      }
      String unit = LocalProcesses.run(List.of(PROMTOOL, "test", "rules", tests.toString()));
      assertThat(unit).contains("SUCCESS");
    } finally {
      LocalProcesses.deleteTree(dir);
    }
  }
}
