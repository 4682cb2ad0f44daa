package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.RestrictedPodSecurity;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The PostgreSQL pods pass the restricted Pod Security Standard in every profile (TLS volume included). */
class ClusterPodSecurityTest {

  @ParameterizedTest
  @EnumSource(Profile.class)
  void statefulSetPodsAreRestricted(Profile profile) {
    TradingDatabase db = Samples.tradingDatabase("trading", "psa");
    db.getSpec().setProfile(profile);
    ClusterModel model = ClusterModel.from(db);

    var pod = ClusterStatefulSet.build(model, "checksum", Map.of()).getSpec().getTemplate().getSpec();

    RestrictedPodSecurity.assertRestricted(pod);
  }
}
