package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.AlreadyCreated;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;

/**
 * A credentials Secret created once with fresh random passwords and never updated: a new password
 * in the Secret would no longer match the one inside the database. Kubernetes deletes it with the
 * TradingDatabase and its data ({@link io.tradingdb.operator.tradingdatabase.DataSecretOwnership}), so a
 * TradingDatabase re-created on retained volumes finds the passwords its data directory holds.
 */
public abstract class GeneratedSecretDependent extends KubernetesDependentResource<Secret, TradingDatabase>
    implements Creator<Secret, TradingDatabase>, GarbageCollected<TradingDatabase> {

  protected GeneratedSecretDependent() {
    super(Secret.class);
  }

  protected abstract String name(ClusterNames names);

  /** Builds the Secret; {@code passwords} supplies as many fresh passwords as it needs. */
  protected abstract Secret build(TradingDatabase primary, ClusterModel model, PasswordSource passwords);

  /** Fresh passwords, one per call. */
  @FunctionalInterface
  public interface PasswordSource {
    String next();
  }

  @Override
  protected final Secret desired(TradingDatabase primary, Context<TradingDatabase> context) {
    Secret secret = build(primary, ClusterDependent.model(context), Passwords::generate);
    secret.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(primary)));
    return secret;
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = ClusterDependent.names(primary);
    return new ResourceID(name(names), names.namespace());
  }

  /** Created once; a create the HTTP client resent after the server had done it keeps what exists. */
  @Override
  public Secret create(Secret desired, TradingDatabase primary, Context<TradingDatabase> context) {
    return AlreadyCreated.orOwnExisting(context.getClient(), desired, () -> super.create(desired, primary, context));
  }
}
