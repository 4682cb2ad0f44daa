package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.UnaryOperator;

/**
 * An informer cache that keeps what {@code transformer} leaves of each object, made compact
 * ({@link CompactObjects}). The SDK's store puts the decoded name, namespace and version back on
 * the transformed object; the namespace is shared again after that.
 */
public class CompactItemStore<R extends HasMetadata> extends TransformingItemStore<R> {

  public CompactItemStore(UnaryOperator<R> transformer) {
    super(object -> CompactObjects.compact(transformer.apply(object)));
  }

  @Override
  public R put(String key, R object) {
    R previous = super.put(key, object);
    R stored = get(key);
    if (stored != null) {
      stored.getMetadata().setNamespace(CompactObjects.shared(stored.getMetadata().getNamespace()));
    }
    return previous;
  }
}
