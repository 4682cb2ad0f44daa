package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.testsupport.InvalidCorpus;
import io.tradingdb.operator.testsupport.InvalidCorpus.Case;
import io.tradingdb.operator.testsupport.InvalidCorpusContract;
import io.tradingdb.operator.tradingdatabase.model.InvalidSpecException;
import org.junit.jupiter.api.Test;

/**
 * The DbUser bad-input corpus. Operator cases are refused by {@link DbUserModel#from}, which DbUserReconciler runs
 * before it looks for the target or any Secret, and whose message becomes the Degraded condition (InvalidSpec).
 */
class InvalidDbUserCorpusTest extends InvalidCorpusContract {

  private static final InvalidCorpus CORPUS = new InvalidCorpus("dbuser", "dbusers.tradingdb.io-v1.yml");

  @Override
  protected InvalidCorpus corpus() {
    return CORPUS;
  }

  @Override
  protected int minimumCases() {
    return 12;
  }

  @Override
  protected void assertRefused(Case c) {
    DbUser user = Serialization.unmarshal(c.yaml(), DbUser.class);

    assertThatThrownBy(() -> DbUserModel.from(user))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(c.expect());
  }

  @Test
  void updateBasesAreValidResources() {
    CORPUS.cases().stream().flatMap(c -> c.updateFrom().stream()).distinct().forEach(base -> {
      String yaml = CORPUS.text(base);
      assertThat(CORPUS.schemaErrors(yaml)).as(base).isEmpty();
      assertThat(DbUserModel.from(Serialization.unmarshal(yaml, DbUser.class)).role().roleName())
          .isEqualTo("app_reader");
    });
  }
}
