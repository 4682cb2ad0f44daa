package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.testsupport.InvalidCorpus;
import io.tradingdb.operator.testsupport.InvalidCorpusContract;
import io.tradingdb.operator.testsupport.TestExternalTargets;

/**
 * The DbUser bad-input corpus. Operator cases are refused by {@link DbUserModel#from}, which DbUserReconciler runs
 * before it looks for the target or any Secret, and whose message becomes the Degraded condition (InvalidSpec).
 */
class InvalidDbUserCorpusTest extends InvalidCorpusContract {

  InvalidDbUserCorpusTest() {
    super(new InvalidCorpus("dbuser", "dbusers.tradingdb.io-v1.yml"), 12);
  }

  @Override
  protected Object model(String yaml) {
    DbUser user = Serialization.unmarshal(yaml, DbUser.class);
    DbUserModel model = DbUserModel.from(user);
    // Then, as in the reconciler and before any Secret is read, the operator's external-target policy.
    TestExternalTargets.policy().check(user.getSpec().getTarget());
    return model;
  }
}
