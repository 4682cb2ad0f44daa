package io.tradingdb.operator.tradingdatabase.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.NetworkPolicySpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Golden;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterNetworkPolicyTest {

  @Test
  void offUnlessTheSpecAsks() {
    TradingDatabase db = Samples.tradingDatabase("trading", "dev");
    assertThat(ClusterModel.from(db).networkPolicy().enabled()).isFalse();
    db.getSpec().setNetworkPolicy(new NetworkPolicySpec());
    assertThat(ClusterModel.from(db).networkPolicy().enabled()).isFalse();
  }

  @Test
  void productionAdmitsOwnPodsPoolerOperatorBackupsListedClientsAndScrapers() {
    TradingDatabase db = Samples.tradingDatabase("trading-prod", "prod");
    db.getSpec().setProfile(Profile.PRODUCTION);
    NetworkPolicySpec spec = enabled();
    spec.setAllowedNamespaces(List.of("trading-apps", "risk"));
    spec.setAllowedNamespaceSelector(
        new LabelSelectorBuilder().withMatchLabels(Map.of("tradingdb.io/client", "true")).build());
    spec.setAllowedPods(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "order-router")).build());
    db.getSpec().setNetworkPolicy(spec);

    NetworkPolicy policy = ClusterNetworkPolicy.build(ClusterModel.from(db), "tradingdb-system");

    Golden.assertMatches("tradingdatabase/network-policy-production.yaml", List.of(policy));
  }

  @Test
  void thePoolerAdmitsOnlyListedClientsTheOperatorAndScrapers() {
    TradingDatabase db = Samples.tradingDatabase("trading-prod", "prod");
    db.getSpec().setProfile(Profile.PRODUCTION);
    NetworkPolicySpec spec = enabled();
    spec.setAllowedNamespaces(List.of("trading-apps"));
    db.getSpec().setNetworkPolicy(spec);

    NetworkPolicy policy = ClusterNetworkPolicy.pooler(ClusterModel.from(db), "tradingdb-system");

    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "pooler");
    Golden.assertMatches("tradingdatabase/network-policy-pooler.yaml", List.of(policy));
  }

  @Test
  void patroniPortIsOnlyForOwnPodsAndTheOperator() {
    TradingDatabase db = Samples.tradingDatabase("trading", "dev");
    NetworkPolicySpec spec = enabled();
    spec.setAllowedPods(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "x")).build());
    db.getSpec().setNetworkPolicy(spec);

    NetworkPolicy policy = ClusterNetworkPolicy.build(ClusterModel.from(db), "ops");

    List<NetworkPolicyIngressRule> withPatroni = policy.getSpec().getIngress().stream()
        .filter(r -> ports(r).contains(8008)).toList();
    assertThat(withPatroni).singleElement().satisfies(rule -> {
      assertThat(rule.getFrom()).hasSize(2);
      assertThat(rule.getFrom().get(0).getPodSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/instance", "dev").containsEntry("app.kubernetes.io/component", "postgresql");
      assertThat(rule.getFrom().get(1).getNamespaceSelector().getMatchExpressions().get(0).getValues())
          .containsExactly("ops");
    });
    assertThat(policy.getSpec().getIngress()).allSatisfy(r -> assertThat(r.getFrom()).isNotNull());
    assertThat(policy.getSpec().getIngress()).filteredOn(r -> r.getFrom().isEmpty())
        .allSatisfy(r -> assertThat(ports(r)).containsExactly(9187));
  }

  @Test
  void developmentWithoutPoolerHasNoPoolerPeer() {
    TradingDatabase db = Samples.tradingDatabase("trading", "dev");
    db.getSpec().setNetworkPolicy(enabled());

    NetworkPolicy policy = ClusterNetworkPolicy.build(ClusterModel.from(db), "ops");

    assertThat(policy.getSpec().getIngress().get(1).getFrom())
        .extracting(peer -> peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component"))
        .containsExactly("backup");
  }

  @Test
  void allowedNamespaceMustBeANamespaceName() {
    TradingDatabase db = Samples.tradingDatabase("trading", "dev");
    NetworkPolicySpec spec = enabled();
    spec.setAllowedNamespaces(List.of("Trading Apps"));
    db.getSpec().setNetworkPolicy(spec);

    assertThatThrownBy(() -> ClusterModel.from(db))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.networkPolicy.allowedNamespaces: 'Trading Apps'");
  }

  private static NetworkPolicySpec enabled() {
    NetworkPolicySpec spec = new NetworkPolicySpec();
    spec.setEnabled(true);
    return spec;
  }

  private static List<Integer> ports(NetworkPolicyIngressRule rule) {
    return rule.getPorts().stream().map(NetworkPolicyPort::getPort).map(p -> p.getIntVal()).toList();
  }
}
