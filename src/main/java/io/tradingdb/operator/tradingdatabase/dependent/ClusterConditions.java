package io.tradingdb.operator.tradingdatabase.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerService;

/** Workflow conditions: when an optional dependent exists. */
public final class ClusterConditions {

  private ClusterConditions() {}

  /** A condition decided by the resolved model alone. */
  abstract static class ModelCondition implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return test(ClusterDependent.model(context));
    }

    abstract boolean test(ClusterModel model);
  }

  /** A disruption budget with one instance would block every node drain. */
  public static class HighlyAvailable extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.highlyAvailable();
    }
  }

  /** The NetworkPolicy exists only when the spec asks for one; turning it off deletes it. */
  public static class NetworkPolicyEnabled extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.networkPolicy().enabled();
    }
  }

  /** The operator issues the server certificate unless the user or cert-manager provides it. */
  public static class OperatorIssuedTls extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.tlsEnabled() && model.tlsSource() == ClusterModel.TlsSource.OPERATOR_CA;
    }
  }

  /** The operator's own CA signs the server certificate, pgBackRest's certificates, or both. */
  public static class OperatorCaNeeded extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return new OperatorIssuedTls().test(model) || new PgBackRestEnabled().test(model);
    }
  }

  public static class PgBackRestEnabled extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.pgBackRest().isPresent();
    }
  }

  public static class PoolerEnabled extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.pooler().enabled();
    }
  }

  /** The pooler's disruption budget exists when the pooler runs more than one instance. */
  public static class PoolerHighlyAvailable extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return PoolerService.disruptionBudget(model).isPresent();
    }
  }

  public static class MonitoringEnabled extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.monitoring().enabled();
    }
  }

  public static class PoolerNetworkPolicyEnabled extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.networkPolicy().enabled() && model.pooler().enabled();
    }
  }

  /** Alert routing is declared, and there are alert rules to route (an AlertmanagerConfig, where served). */
  public static class AlertRoutingConfigured extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.monitoring().enabled() && model.monitoring().alerting().isPresent();
    }
  }

  /** spec.tls.certManagerIssuer: cert-manager issues the server certificate (a Certificate, where served). */
  public static class CertManagerTls extends ModelCondition {
    @Override
    boolean test(ClusterModel model) {
      return model.tlsEnabled() && model.tlsSource() == ClusterModel.TlsSource.CERT_MANAGER;
    }
  }
}
