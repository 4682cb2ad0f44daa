package io.tradingdb.operator.tradingdatabase.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ParameterPlanTest {

  @Test
  void sendsOnlyWhatDiffersAndRemovesWhatTheSpecNoLongerHas() {
    Map<String, Object> desired = new TreeMap<>(Map.of("work_mem", "64MB", "max_connections", "200", "jit", "off"));
    Map<String, Object> observed = Map.of("work_mem", "4MB", "max_connections", 200, "random_page_cost", "1.1", "jit", "off");
    ParameterPlan plan = ParameterPlan.of(desired, observed);
    assertThat(plan.rejected()).isEmpty();
    Map<String, Object> expected = new HashMap<>();
    expected.put("work_mem", "64MB");
    expected.put("random_page_cost", null);
    assertThat(plan.patch()).isEqualTo(expected);
    assertThat(plan.body()).containsOnlyKeys("postgresql");
  }

  @Test
  void nothingToSendWhenTheDcsMatches() {
    ParameterPlan plan = ParameterPlan.of(Map.of("shared_buffers", "128MB"), Map.of("shared_buffers", "128MB"));
    assertThat(plan.changes()).isFalse();
    assertThat(ParameterPlan.of(Map.of("shared_buffers", "128MB"), null).patch()).containsEntry("shared_buffers", "128MB");
  }

  @Test
  void aValuePostgresqlRefusesIsRejectedInItsWords() {
    ParameterPlan plan = ParameterPlan.of(Map.of("shared_buffers", "banana", "work_mem", "64MB"), Map.of());
    assertThat(plan.rejected()).containsExactly("shared_buffers: invalid value for parameter \"shared_buffers\": \"banana\"");
    assertThat(ParameterPlan.check(Map.of("jit", "maybe")))
        .containsExactly("jit: parameter \"jit\" requires a Boolean value");
    assertThat(ParameterPlan.check(Map.of("random_page_cost", "fast")))
        .containsExactly("random_page_cost: invalid value for parameter \"random_page_cost\": \"fast\"");
  }

  @Test
  void numbersWithUnitsAndBooleansAsPostgresqlReadsThem() {
    for (String ok : new String[] {"128MB", "1GB", " 16 kB ", "0x10", "1.5GB", "100", "-1", "30s", "5min", "2h", "1d", "8B"}) {
      assertThat(ParameterPlan.check(Map.of("shared_buffers", ok))).as(ok).isEmpty();
    }
    for (String bad : new String[] {"banana", "128mb", "128 M", "", "1,5GB", "12MB;"}) {
      assertThat(ParameterPlan.check(Map.of("shared_buffers", bad))).as(bad).hasSize(1);
    }
    for (String ok : new String[] {"on", "off", "of", "t", "TRUE", "y", "no", "1", "0", "f"}) {
      assertThat(ParameterPlan.bool(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"o", "2", "enabled", ""}) {
      assertThat(ParameterPlan.bool(bad)).as(bad).isFalse();
    }
  }

  @Test
  void maxConnectionsMustExceedTheReservedConnections() {
    assertThat(ParameterPlan.check(Map.of("max_connections", "5"))).isEmpty();
    assertThat(ParameterPlan.check(Map.of("max_connections", "3"))).containsExactly(
        "max_connections: superuser_reserved_connections (3) plus reserved_connections (0) must be less than max_connections (3)");
    assertThat(ParameterPlan.check(Map.of("max_connections", "5", "superuser_reserved_connections", "3",
        "reserved_connections", "2"))).containsExactly(
        "max_connections: superuser_reserved_connections (3) plus reserved_connections (2) must be less than max_connections (5)");
  }

  @Test
  void readsTheParametersOfAConfigAnswer() {
    assertThat(ParameterPlan.parametersOf(Map.of("postgresql", Map.of("parameters", Map.of("a", "b"))))).containsEntry("a", "b");
    assertThat(ParameterPlan.parametersOf(Map.of("ttl", 30))).isNull();
  }
}
