package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.kube.InvalidSpecException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PostgresqlSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.pooler.PgBouncerIni;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerLayout;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A parameter value never becomes a line of its own in patroni.yaml (and so postgresql.conf) or pgbouncer.ini:
 * every control character is refused by the model, and printable hostile values stay one value.
 */
class ParameterValuesTest {

  /** Every C0 and C1 control, DEL, and the Unicode line and paragraph separators. */
  static Stream<Integer> controlCharacters() {
    return Stream.concat(IntStream.rangeClosed(0, 0x1f).boxed(),
        Stream.concat(IntStream.rangeClosed(0x7f, 0x9f).boxed(), Stream.of(0x2028, 0x2029)));
  }

  @ParameterizedTest(name = "U+{0}")
  @MethodSource("controlCharacters")
  void controlCharactersAreRefusedInPostgresAndPoolerValues(int c) {
    String value = "64MB" + Character.toString(c) + "ssl_passphrase_command = 'sh -c id'";
    assertThatThrownBy(() -> ClusterModel.from(withPostgresParameter("work_mem", value)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("single line of printable text");
    assertThatThrownBy(() -> ClusterModel.from(withPoolerParameter("query_wait_timeout", value)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("single line of printable text");
  }

  @Test
  void aValueLongerThanTheLimitIsRefused() {
    String value = "x".repeat(PostgresqlSpec.VALUE_MAX_LENGTH + 1);
    assertThatThrownBy(() -> ClusterModel.from(withPostgresParameter("application_name", value)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("longer than 4096 characters");
    ClusterModel.from(withPostgresParameter("application_name", value.substring(1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"'; ssl_passphrase_command = 'id", "a\\nb", "x # comment", "a = b", "\"quoted\"", "back\\\\slash"})
  void printableHostileValuesStayOneValueInEveryRenderedFile(String value) throws Exception {
    ClusterModel model = ClusterModel.from(withPostgresParameter("application_name", value));
    String yaml = PatroniConfigMap.configMap(model).getData().get(PatroniConfigMap.CONFIG_FILE);
    JsonNode patroni = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    // User parameters live in the DCS only (local ones would win over later PATCH /config changes).
    assertThat(patroni.at("/postgresql/parameters").has("application_name")).isFalse();
    JsonNode parameters = patroni.at("/bootstrap/dcs/postgresql/parameters");
    assertThat(parameters.get("application_name").asText()).isEqualTo(value);
    assertThat(parameters.has("ssl_passphrase_command")).isFalse();

    ClusterModel pooled = ClusterModel.from(withPoolerParameter("application_name_add_host", value));
    String ini = PgBouncerIni.render(pooled, PoolerLayout.inPod(pooled));
    List<String> lines = ini.lines().filter(l -> l.contains(value.strip())).toList();
    assertThat(lines).containsExactly("application_name_add_host = " + value.strip());
    assertThat(ini.lines().filter(l -> l.startsWith("ssl_passphrase_command"))).isEmpty();
  }

  private static TradingDatabase withPostgresParameter(String name, String value) {
    TradingDatabase db = Samples.tradingDatabase("trading", "market");
    db.getSpec().setPostgresql(new PostgresqlSpec());
    db.getSpec().getPostgresql().setParameters(Map.of(name, value));
    return db;
  }

  private static TradingDatabase withPoolerParameter(String name, String value) {
    TradingDatabase db = Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: TradingDatabase
        metadata: {name: market, namespace: trading}
        spec:
          databaseName: ai_trading
          pooler: {enabled: true}
        """, TradingDatabase.class);
    db.getSpec().getPooler().setParameters(Map.of(name, value));
    return db;
  }
}
