package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.AlreadyCreated;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.workload.ClusterTls;
import java.time.Instant;

/**
 * The cluster's own CA ({@code <cluster>-ca}), created once and never updated or deleted by the
 * operator: a new CA would invalidate every certificate it signed, and every CA file a client saved.
 * It lives as long as the cluster's data ({@link io.tradingdb.operator.tradingdatabase.DataSecretOwnership}).
 */
@KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = ClusterDependent.SELECTOR, itemStore = ClusterDependent.CachedObjects.class))
public class CaSecretDependent extends KubernetesDependentResource<Secret, TradingDatabase>
    implements Creator<Secret, TradingDatabase> {

  public CaSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = ClusterDependent.names(primary);
    return new ResourceID(names.caSecret(), names.namespace());
  }

  @Override
  protected Secret desired(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterModel model = ClusterDependent.model(context);
    CertificateAuthority.Pem ca = CertificateAuthority.newCa(
        "tradingdb " + model.names().namespace() + "/" + model.names().cluster(), Instant.now());
    return ClusterTls.caSecret(primary, model, ca);
  }

  /** Created once; a create the HTTP client resent after the server had done it keeps what exists. */
  @Override
  public Secret create(Secret desired, TradingDatabase primary, Context<TradingDatabase> context) {
    return AlreadyCreated.orOwnExisting(context.getClient(), desired, () -> super.create(desired, primary, context));
  }
}
