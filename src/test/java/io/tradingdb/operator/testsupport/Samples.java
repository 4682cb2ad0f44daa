package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;

/** Small TradingDatabase objects for tests. */
public final class Samples {

  private Samples() {}

  public static TradingDatabase tradingDatabase(String namespace, String name) {
    TradingDatabase db = new TradingDatabase();
    db.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withUid("00000000-0000-0000-0000-000000000001")
            .withGeneration(1L)
            .build());
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setDatabaseName("ai_trading");
    db.setSpec(spec);
    return db;
  }
}
