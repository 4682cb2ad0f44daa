package io.tradingdb.operator.tradingdatabase.dependent;

import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.fabric8.kubernetes.api.model.Secret;
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
import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.tradingdatabase.workload.ClusterTls;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The pgBackRest TLS Secret, issued by the cluster's CA whatever spec.tls says: a server
 * certificate for the instances' pgBackRest servers and the client certificate they accept from
 * backup Jobs. Re-issued 30 days before either expires.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class PgBackRestTlsDependent extends KubernetesDependentResource<Secret, TradingDatabase>
    implements Creator<Secret, TradingDatabase>, Updater<Secret, TradingDatabase>,
        GarbageCollected<TradingDatabase> {

  public PgBackRestTlsDependent() {
    super(Secret.class);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = ClusterDependent.names(primary);
    return new ResourceID(names.pgBackRestTlsSecret(), names.namespace());
  }

  @Override
  public Matcher.Result<Secret> match(Secret actual, TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterModel model = ClusterDependent.model(context);
    Secret ca = TlsSecretDependent.currentCa(primary, context);
    Instant now = Instant.now();
    boolean current = ca != null
        && Objects.equals(ClusterTls.decoded(ca, PodLayout.CA_CERT), ClusterTls.decoded(actual, PodLayout.CA_CERT))
        && !CertificateAuthority.needsRenewal(
            ClusterTls.decoded(actual, PodLayout.TLS_CERT), ClusterTls.podDnsNames(model.names()), now)
        && !CertificateAuthority.needsRenewal(
            ClusterTls.decoded(actual, PodLayout.CLIENT_CERT), List.of(PgBackRestConf.CLIENT_CN), now);
    return Matcher.Result.nonComputed(current);
  }

  @Override
  protected Secret desired(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterModel model = ClusterDependent.model(context);
    CertificateAuthority.Pem ca = TlsSecretDependent.ca(primary, context);
    Instant now = Instant.now();
    return ClusterTls.pgBackRestSecret(primary, model, ca.certificate(),
        CertificateAuthority.issueServer(ca, ClusterTls.podDnsNames(model.names()), now),
        CertificateAuthority.issueServer(ca, List.of(PgBackRestConf.CLIENT_CN), now));
  }
}
