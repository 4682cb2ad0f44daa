package io.tradingdb.operator.tradingdatabase.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PoolerSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PostgresqlSpec;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The operator's lists of owned settings and the CRD's CEL rules name the same settings. */
class OwnedParametersTest {

  @Test
  void postgresqlRuleListsExactlyTheOwnedParameters() {
    assertThat(quoted(PostgresqlSpec.OWNED_PARAMETERS_RULE)).isEqualTo(OwnedParameters.POSTGRES);
  }

  @Test
  void poolerRuleListsExactlyTheOwnedSettings() throws NoSuchFieldException {
    ValidationRule owned = Set.of(PoolerSpec.class.getDeclaredField("parameters").getAnnotationsByType(ValidationRule.class))
        .stream().filter(r -> r.value().contains("'listen_addr'")).findFirst().orElseThrow();
    assertThat(quoted(owned.value())).isEqualTo(OwnedParameters.POOLER);
  }

  private static Set<String> quoted(String rule) {
    return Pattern.compile("'([a-z_]+)'").matcher(rule).results().map(r -> r.group(1)).collect(Collectors.toSet());
  }
}
