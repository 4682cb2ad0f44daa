package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.kube.TargetUnavailableException;
import org.junit.jupiter.api.Test;

class AdminTargetsTest {

  @Test
  void tradingDatabaseTargetsAreRefusedBeforeAnyLookupWhenConnectionsAreDisabled() {
    // A null client proves nothing is read or looked up: the refusal comes first.
    assertThatThrownBy(() -> AdminTargets.tradingDatabase(null, "trading", DatabaseTarget.tradingDatabase("prod"), false))
        .isInstanceOf(TargetUnavailableException.class)
        .hasMessageContaining("DATABASE_CHECKS=false");
  }
}
