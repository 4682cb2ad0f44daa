package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import org.junit.jupiter.api.Test;

class AdminConnectionTest {

  @Test
  void tradingDatabaseTargetsAreRefusedBeforeAnyLookupWhenConnectionsAreDisabled() {
    // A null client proves nothing is read or looked up: the refusal comes first.
    assertThatThrownBy(() -> AdminConnection.resolve(null, "trading", DatabaseTarget.tradingDatabase("prod"), false))
        .isInstanceOf(DatabaseTargets.TargetUnavailableException.class)
        .hasMessageContaining("DATABASE_CHECKS=false");
  }
}
