package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

/** The key an informer cache reports a removed cluster by names the cluster whose state is dropped. */
class CacheKeyToIdTest {

  @Test
  void aNamespacedKeyIsTheClustersId() {
    assertThat(TradingDatabaseReconciler.cacheKeyToId("markets/db-1")).isEqualTo(new ResourceID("db-1", "markets"));
    assertThat(TradingDatabaseReconciler.cacheKeyToId("global")).isEqualTo(new ResourceID("global"));
  }
}
