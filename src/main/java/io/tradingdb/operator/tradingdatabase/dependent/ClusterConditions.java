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

  /** A disruption budget with one instance would block every node drain. */
  public static class HighlyAvailable implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return ClusterDependent.model(context).highlyAvailable();
    }
  }

  /** The NetworkPolicy exists only when the spec asks for one; turning it off deletes it. */
  public static class NetworkPolicyEnabled implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return ClusterDependent.model(context).networkPolicy().enabled();
    }
  }

  /** The superuser Secret is generated only when the spec does not reference one. */
  public static class GeneratedSuperuser implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return ClusterDependent.model(context).superuserSecretGenerated();
    }
  }

  /** The operator issues the server certificate unless the user or cert-manager provides it. */
  public static class OperatorIssuedTls implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      ClusterModel model = ClusterDependent.model(context);
      return model.tlsEnabled() && model.tlsSource() == ClusterModel.TlsSource.OPERATOR_CA;
    }
  }

  public static class PoolerEnabled implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return ClusterDependent.model(context).pooler().enabled();
    }
  }

  /** The pooler's disruption budget exists when the pooler runs more than one instance. */
  public static class PoolerHighlyAvailable implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return PoolerService.disruptionBudget(ClusterDependent.model(context)).isPresent();
    }
  }

  public static class MonitoringEnabled implements Condition<Object, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<Object, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return ClusterDependent.model(context).monitoring().enabled();
    }
  }
}
