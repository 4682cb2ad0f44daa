package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A create that the server had already carried out. Once among 300 new clusters
 * ({@code testenv/bench-operator.sh 300}) creating a cluster's CA Secret got 409 AlreadyExists although
 * no earlier reconcile had failed, and the reconcile failed with a ReconcileError Warning Event; at
 * 1,000 to a monitoring ConfigMap, two server TLS Secrets and an Event (which have random names). The
 * likely way, not reproduced on demand: fabric8 resends a request whose HTTP/2 stream failed under
 * load, and the server had created the object the first time. Every create by POST goes through
 * here: Secrets and ConfigMaps (the SDK does not apply those server-side) and Events.
 */
public final class AlreadyCreated {

  private static final Logger LOG = LoggerFactory.getLogger(AlreadyCreated.class);

  private AlreadyCreated() {}

  /**
   * Runs {@code create}; on 409 AlreadyExists returns the object on the server when the same
   * controller owns it as {@code desired}, unchanged (for a Secret created once, its passwords or keys
   * are the ones in use). An object of that name that a user or another controller made still fails.
   */
  public static <R extends HasMetadata> R orOwnExisting(KubernetesClient client, R desired, Supplier<R> create) {
    try {
      return create.get();
    } catch (KubernetesClientException e) {
      if (!isAlreadyExists(e)) {
        throw e;
      }
      R existing = client.resource(desired).get();
      String controller = controllerUid(desired);
      if (existing == null || controller == null || !controller.equals(controllerUid(existing))) {
        throw e;
      }
      LOG.info("{} {}/{} already existed with the same owner (a create the client resent); kept it as it is",
          desired.getKind(), desired.getMetadata().getNamespace(), desired.getMetadata().getName());
      return existing;
    }
  }

  /** A create's 409 AlreadyExists (not a 409 Conflict on a resourceVersion). */
  public static boolean isAlreadyExists(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT && e.getStatus() != null
        && "AlreadyExists".equals(e.getStatus().getReason());
  }

  private static String controllerUid(HasMetadata object) {
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    return owners == null ? null : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(OwnerReference::getUid).findFirst().orElse(null);
  }
}
