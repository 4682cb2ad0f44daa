package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.function.Supplier;

/**
 * The object a status patch sends: name, namespace and the new status, nothing else. The SDK
 * writes status with a forced server-side apply; the status is computed from the whole observed
 * state and the operator is its only writer, so it needs no optimistic lock. A resourceVersion in
 * the body would make the apply conditional: a reconcile that read the cluster a moment before its
 * own previous write landed got a 409 Conflict, a WARN and a ReconcileError Warning Event.
 */
public final class StatusPatch {

  private StatusPatch() {}

  public static <S, R extends CustomResource<?, S>> R of(R resource, S status, Supplier<R> factory) {
    R patch = factory.get();
    patch.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .build());
    patch.setStatus(status);
    return patch;
  }
}
