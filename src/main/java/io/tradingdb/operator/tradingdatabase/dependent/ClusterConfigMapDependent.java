package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.tradingdb.operator.kube.CompactItemStore;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.InformerCaches;

/**
 * A ConfigMap of a cluster. The cache holds digests of its data values, not the text (see
 * {@link InformerCaches#configMapDigests}); matching compares digests, and an update still applies
 * the whole desired object.
 */
public abstract class ClusterConfigMapDependent extends ClusterDependent<ConfigMap> {

  /** The ConfigMap informer's cache, shared by every ConfigMap dependent. */
  public static final class CachedConfigMaps extends CompactItemStore<ConfigMap> {
    public CachedConfigMaps() {
      super(configMap -> InformerCaches.configMapDigests(configMap, FIELD_MANAGER));
    }
  }

  protected ClusterConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  public Result<ConfigMap> match(
      ConfigMap actual, ConfigMap desired, TradingDatabase primary, Context<TradingDatabase> context) {
    // Digests on both sides: the SDK may hand over the full object its own apply just returned.
    Result<ConfigMap> digests = super.match(
        InformerCaches.withDataDigests(actual), withDataDigests(desired, primary), primary, context);
    return Result.computed(digests.matched(), desired);
  }

  /** The desired ConfigMap as the matcher compares it: its data values replaced by their digests. */
  protected ConfigMap withDataDigests(ConfigMap desired, TradingDatabase primary) {
    return InformerCaches.withDataDigests(desired);
  }
}
