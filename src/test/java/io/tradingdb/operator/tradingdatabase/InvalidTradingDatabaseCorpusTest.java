package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.InvalidCorpus;
import io.tradingdb.operator.testsupport.InvalidCorpus.Case;
import io.tradingdb.operator.testsupport.InvalidCorpusContract;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.InvalidSpecException;
import org.junit.jupiter.api.Test;

/** The TradingDatabase bad-input corpus; operator cases are refused by {@link ClusterModel#from}. */
class InvalidTradingDatabaseCorpusTest extends InvalidCorpusContract {

  private static final InvalidCorpus CORPUS = new InvalidCorpus("tradingdatabase", "tradingdatabases.tradingdb.io-v1.yml");

  @Override
  protected InvalidCorpus corpus() {
    return CORPUS;
  }

  @Override
  protected int minimumCases() {
    return 25;
  }

  @Override
  protected void assertRefused(Case c) {
    TradingDatabase db = Serialization.unmarshal(c.yaml(), TradingDatabase.class);

    assertThatThrownBy(() -> ClusterModel.from(db))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(c.expect());
  }

  @Test
  void updateBasesAreValidResources() {
    CORPUS.cases().stream().flatMap(c -> c.updateFrom().stream()).distinct().forEach(base -> {
      String yaml = CORPUS.text(base);
      assertThat(CORPUS.schemaErrors(yaml)).as(base).isEmpty();
      assertThat(ClusterModel.from(Serialization.unmarshal(yaml, TradingDatabase.class)).databaseName())
          .isEqualTo("ai_trading");
    });
  }
}
