package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.InvalidCorpus;
import io.tradingdb.operator.testsupport.InvalidCorpusContract;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;

/** The TradingDatabase bad-input corpus; operator cases are refused by {@link ClusterModel#from}. */
class InvalidTradingDatabaseCorpusTest extends InvalidCorpusContract {

  InvalidTradingDatabaseCorpusTest() {
    super(new InvalidCorpus("tradingdatabase", "tradingdatabases.tradingdb.io-v1.yml"), 25);
  }

  @Override
  protected Object model(String yaml) {
    return ClusterModel.from(Serialization.unmarshal(yaml, TradingDatabase.class));
  }
}
