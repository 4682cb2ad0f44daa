package io.tradingdb.operator.tradingdatabase.dependent;

import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.AlreadyCreated;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.tradingdatabase.workload.ClusterTls;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.time.Instant;
import java.util.Objects;

/**
 * The server certificate Secret, issued by the cluster's own CA ({@link CaSecretDependent}) and re-issued 30 days before it expires or when a service name is missing.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class TlsSecretDependent extends KubernetesDependentResource<Secret, TradingDatabase>
    implements Creator<Secret, TradingDatabase>, Updater<Secret, TradingDatabase>,
        GarbageCollected<TradingDatabase> {

  public TlsSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = ClusterDependent.names(primary);
    return new ResourceID(names.tlsSecret(), names.namespace());
  }

  @Override
  public Matcher.Result<Secret> match(
      Secret actual, TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterModel model = ClusterDependent.model(context);
    Secret ca = currentCa(primary, context);
    boolean current =
        ca != null
            && Objects.equals(ClusterTls.decoded(ca, PodLayout.CA_CERT), ClusterTls.decoded(actual, PodLayout.CA_CERT))
            && !CertificateAuthority.needsRenewal(
                ClusterTls.decoded(actual, PodLayout.TLS_CERT),
                ClusterTls.dnsNames(model.names()),
                Instant.now());
    return Matcher.Result.nonComputed(current);
  }

  /** A create the HTTP client resent after the server had done it keeps what exists; match then decides. */
  @Override
  public Secret create(Secret desired, TradingDatabase primary, Context<TradingDatabase> context) {
    return AlreadyCreated.orOwnExisting(context.getClient(), desired, () -> super.create(desired, primary, context));
  }

  @Override
  protected Secret desired(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterModel model = ClusterDependent.model(context);
    CertificateAuthority.Pem ca = ca(primary, context);
    var server = CertificateAuthority.issueServer(ca, ClusterTls.dnsNames(model.names()), Instant.now());
    return ClusterTls.serverSecret(primary, model, ca.certificate(), server);
  }

  /** The cluster's CA, which {@link CaSecretDependent} created before this dependent runs. */
  static CertificateAuthority.Pem ca(TradingDatabase primary, Context<TradingDatabase> context) {
    Secret caSecret = currentCa(primary, context);
    if (caSecret == null) {
      throw new IllegalStateException("the CA Secret '" + ClusterDependent.names(primary).caSecret()
          + "' does not exist yet; the next reconcile issues the certificate");
    }
    return new CertificateAuthority.Pem(
        ClusterTls.decoded(caSecret, PodLayout.CA_CERT), ClusterTls.decoded(caSecret, PodLayout.CA_KEY));
  }

  /**
   * The CA Secret from the informer cache (it carries the cluster's labels), read from the API
   * only when the cache does not have it yet, so a steady cluster costs no request here.
   */
  static Secret currentCa(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = ClusterDependent.names(primary);
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> names.caSecret().equals(s.getMetadata().getName()))
        .findFirst()
        .orElseGet(() -> client(context).secrets().inNamespace(names.namespace()).withName(names.caSecret()).get());
  }

  private static KubernetesClient client(Context<TradingDatabase> context) {
    return context.getClient();
  }
}
