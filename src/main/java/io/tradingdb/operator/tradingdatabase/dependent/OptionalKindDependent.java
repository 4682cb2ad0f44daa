package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.OptionalResources;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;
import java.util.function.Supplier;

/**
 * An object of a kind that only some Kubernetes clusters serve (the Prometheus Operator's,
 * cert-manager's). Its workflow entry is activated by {@link Installed}: until the CRD exists no
 * informer starts and nothing fails; from then on one informer per kind serves every
 * TradingDatabase, and an edit or deletion by someone else is put right at once instead of at the
 * next periodic reconcile. The type is an unstructured object named by annotations ({@link
 * ForeignKinds}): the SDK and the client address it without API discovery, which fails for a kind
 * the server does not serve, and the operator still needs no Java model of the kind's schema.
 */
public abstract class OptionalKindDependent<R extends GenericKubernetesResource>
    extends CRUDKubernetesDependentResource<R, TradingDatabase> {

  /** The process's one {@link OptionalResources}, put into the workflow context beside the model. */
  public static final String OPTIONAL_RESOURCES_KEY = "optionalResources";

  private final OptionalResources.Kind kind;
  private final Supplier<R> empty;

  protected OptionalKindDependent(Class<R> type, Supplier<R> empty, OptionalResources.Kind kind) {
    super(type);
    this.empty = empty;
    this.kind = kind;
  }

  @Override
  protected final R desired(TradingDatabase primary, Context<TradingDatabase> context) {
    GenericKubernetesResource built = build(primary, ClusterDependent.model(context));
    R desired = empty.get();
    desired.setApiVersion(built.getApiVersion());
    desired.setKind(built.getKind());
    desired.setMetadata(built.getMetadata());
    desired.setAdditionalProperties(built.getAdditionalProperties());
    desired.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(primary)));
    return desired;
  }

  protected abstract String name(ClusterNames names);

  protected abstract GenericKubernetesResource build(TradingDatabase primary, ClusterModel model);

  @Override
  protected ResourceID targetSecondaryResourceID(TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = ClusterDependent.names(primary);
    return new ResourceID(name(names), names.namespace());
  }

  public static OptionalResources optionalResources(Context<TradingDatabase> context) {
    return context.managedWorkflowAndDependentResourceContext()
        .getMandatory(OPTIONAL_RESOURCES_KEY, OptionalResources.class);
  }

  /**
   * Activation: the kind's CRD is served. The answer is the same for every TradingDatabase (the SDK
   * registers the informer when it turns true and would remove it on false), and a missing CRD is
   * looked up again every five minutes, so installing cert-manager later needs no operator restart.
   */
  public static class Installed implements Condition<GenericKubernetesResource, TradingDatabase> {
    @Override
    public boolean isMet(
        DependentResource<GenericKubernetesResource, TradingDatabase> dependent, TradingDatabase primary,
        Context<TradingDatabase> context) {
      return optionalResources(context).installed(((OptionalKindDependent<?>) dependent).kind);
    }
  }
}
