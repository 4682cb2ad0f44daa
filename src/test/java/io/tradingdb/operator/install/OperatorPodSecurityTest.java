package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tradingdb.operator.testsupport.RestrictedPodSecurity;
import io.tradingdb.operator.tradingdatabase.network.ClusterNetworkPolicy;
import org.junit.jupiter.api.Test;

/** The operator's own pod, as the chart renders it: restricted, and reachable through the databases' NetworkPolicies. */
class OperatorPodSecurityTest {

  private final Deployment deployment = Rendered.of("").get(Deployment.class, HelmChart.NAMESPACE, HelmChart.RELEASE);

  @Test
  void operatorPodPassesTheRestrictedStandard() {
    RestrictedPodSecurity.assertRestricted(deployment.getSpec().getTemplate().getSpec());
  }

  @Test
  void operatorPodCarriesTheLabelsTheNetworkPoliciesAdmit() {
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(ClusterNetworkPolicy.OPERATOR_POD_LABELS);
  }
}
