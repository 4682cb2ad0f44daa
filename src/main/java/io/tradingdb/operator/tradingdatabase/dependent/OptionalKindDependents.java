package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.workload.CertManagerCertificate;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.AlertRouting;
import io.tradingdb.operator.tradingdatabase.monitoring.PodMonitorBuilder;
import io.tradingdb.operator.tradingdatabase.monitoring.PrometheusOperatorKinds;
import io.tradingdb.operator.tradingdatabase.monitoring.PrometheusRuleBuilder;

/** The cluster's objects of optional kinds: each a thin {@link OptionalKindDependent} over a pure builder. */
public final class OptionalKindDependents {

  private OptionalKindDependents() {}

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class PodMonitor extends OptionalKindDependent<ForeignKinds.PodMonitor> {
    public PodMonitor() {
      super(ForeignKinds.PodMonitor.class, ForeignKinds.PodMonitor::new, PrometheusOperatorKinds.POD_MONITOR);
    }

    @Override
    protected String name(ClusterNames names) {
      return names.podMonitor();
    }

    @Override
    protected GenericKubernetesResource build(TradingDatabase primary, ClusterModel model) {
      return PodMonitorBuilder.build(model);
    }
  }

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class PrometheusRule extends OptionalKindDependent<ForeignKinds.PrometheusRule> {
    public PrometheusRule() {
      super(ForeignKinds.PrometheusRule.class, ForeignKinds.PrometheusRule::new, PrometheusOperatorKinds.PROMETHEUS_RULE);
    }

    @Override
    protected String name(ClusterNames names) {
      return names.prometheusRule();
    }

    @Override
    protected GenericKubernetesResource build(TradingDatabase primary, ClusterModel model) {
      return PrometheusRuleBuilder.build(model);
    }
  }

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class AlertmanagerConfig extends OptionalKindDependent<ForeignKinds.AlertmanagerConfig> {
    public AlertmanagerConfig() {
      super(ForeignKinds.AlertmanagerConfig.class, ForeignKinds.AlertmanagerConfig::new, PrometheusOperatorKinds.ALERTMANAGER_CONFIG);
    }

    @Override
    protected String name(ClusterNames names) {
      return names.alertmanagerConfig();
    }

    @Override
    protected GenericKubernetesResource build(TradingDatabase primary, ClusterModel model) {
      return AlertRouting.alertmanagerConfig(model);
    }
  }

  @KubernetesDependent(
      createResourceOnlyIfNotExistingWithSSA = false,
      informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
  public static class Certificate extends OptionalKindDependent<ForeignKinds.Certificate> {
    public Certificate() {
      super(ForeignKinds.Certificate.class, ForeignKinds.Certificate::new, CertManagerCertificate.KIND);
    }

    @Override
    protected String name(ClusterNames names) {
      return names.tlsSecret();
    }

    @Override
    protected GenericKubernetesResource build(TradingDatabase primary, ClusterModel model) {
      var issuer = primary.getSpec().getTls().getCertManagerIssuer();
      return CertManagerCertificate.build(model, issuer.getName(), issuer.getKind());
    }
  }
}
