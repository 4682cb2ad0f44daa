package io.tradingdb.operator.tradingdatabase.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PoolerSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PostgresqlSpec;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The operator's lists of refused settings and the CRD's CEL rules name the same settings. */
class OwnedParametersTest {

  @Test
  void postgresqlRuleListsExactlyTheDeniedParametersOfTheClassification() {
    // On failure, paste PostgresParameters.celRule() (the expected text) into PostgresqlSpec.DENIED_PARAMETERS_RULE.
    assertThat(PostgresqlSpec.DENIED_PARAMETERS_RULE).isEqualTo(PostgresParameters.celRule());
    assertThat(quoted(PostgresqlSpec.DENIED_PARAMETERS_RULE)).isEqualTo(PostgresParameters.denied());
  }

  @Test
  void poolerRuleListsExactlyTheOwnedSettings() {
    assertThat(quoted(PoolerSpec.OWNED_PARAMETERS_RULE)).isEqualTo(OwnedParameters.POOLER);
  }

  private static Set<String> quoted(String rule) {
    return Pattern.compile("'([a-z_]+)'").matcher(rule).results().map(r -> r.group(1)).collect(Collectors.toSet());
  }
}
