package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.CompactItemStore;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.kube.MatchMemo;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import io.tradingdb.operator.kube.AlreadyCreated;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * A Kubernetes object of a cluster that the operator keeps equal to a pure builder's output. The
 * reconciler resolves the {@link ClusterModel} once and shares it through the workflow context.
 * Subclasses create with a plain forced apply ({@code createResourceOnlyIfNotExistingWithSSA = false}):
 * a reconcile that runs before the informer has seen the object its predecessor created would
 * otherwise send resourceVersion "1" and get a 409 Conflict; applying the same built object twice is
 * harmless. Generated Secrets keep create-only, so a password is never replaced.
 */
public abstract class ClusterDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, TradingDatabase> {

  public static final String MODEL_KEY = "clusterModel";
  /** The operator pods' namespace, put into the workflow context beside the model. */
  public static final String OPERATOR_NAMESPACE_KEY = "operatorNamespace";
  /** True when the operator rolls the instance pods itself (replicas first, switchover, old primary last). */
  public static final String OPERATOR_ROLLOUT_KEY = "operatorRollout";
  /** Informers of the TradingDatabase controller see only objects made for TradingDatabases. */
  public static final String SELECTOR =
      "app.kubernetes.io/managed-by=tradingdb-operator,app.kubernetes.io/name=tradingdatabase";
  /**
   * The one informer every Secret dependent shares (the superuser Secret's node declares it, the others
   * use it by this name): every Secret the operator made for a cluster.
   */
  public static final String SECRETS_EVENT_SOURCE = "superuser-secret";
  /** The TradingDatabase controller's name, which the SDK uses as its server-side apply field manager. */
  public static final String FIELD_MANAGER = "tradingdatabase";

  /**
   * The cache of every dependent's informer: objects without other managers' managedFields entries
   * (kube-controller-manager's, kwok's, kubectl's), which nothing here reads.
   */
  public static final class CachedObjects<R extends HasMetadata> extends CompactItemStore<R> {
    public CachedObjects() {
      super(object -> InformerCaches.keepOwnApplyEntry(object, FIELD_MANAGER));
    }
  }

  /** This dependent's last positive match per cluster; see {@link #desiredFollowsSpec()}. */
  private final MatchMemo matches = new MatchMemo();

  protected ClusterDependent(Class<R> type) {
    super(type);
  }

  /**
   * True when the desired object depends on nothing but the cluster's spec and identity (through the
   * model), the operator's own settings and the actual object: then a match is remembered until the
   * spec's generation or the object's resourceVersion changes, and the reconciles that follow one
   * another while a cluster converges skip building and comparing it. A dependent that reads other
   * objects (another Secret's data) says false.
   */
  protected boolean desiredFollowsSpec() {
    return true;
  }

  @Override
  public Matcher.Result<R> match(R actual, TradingDatabase primary, Context<TradingDatabase> context) {
    if (!desiredFollowsSpec()) {
      return super.match(actual, primary, context);
    }
    if (matches.matched(primary, actual)) {
      return Matcher.Result.nonComputed(true);
    }
    Matcher.Result<R> result = super.match(actual, primary, context);
    matches.record(primary, actual, result.matched(), stillThere(context));
    return result;
  }

  /**
   * What the API server returned for this dependent's own create or apply is the desired object as
   * the server keeps it: the reconcile that follows, usually the next one while a cluster converges,
   * finds that version in the cache and skips building and comparing it again. A later write by
   * anyone (a controller's status, a user's edit) changes the version, which is compared afresh.
   *
   * <p>ConfigMaps and Secrets are created by POST (the SDK applies neither server-side), which a resent
   * request answers with 409 AlreadyExists: the object this cluster owns is then taken as it is (and
   * not remembered as a match: the next reconcile compares it).
   */
  @Override
  public R create(R desired, TradingDatabase primary, Context<TradingDatabase> context) {
    return AlreadyCreated.orOwnExisting(context.getClient(), desired,
        () -> remembered(super.create(desired, primary, context), primary, context));
  }

  @Override
  public R update(R actual, R desired, TradingDatabase primary, Context<TradingDatabase> context) {
    return remembered(super.update(actual, desired, primary, context), primary, context);
  }

  private R remembered(R written, TradingDatabase primary, Context<TradingDatabase> context) {
    if (written != null && desiredFollowsSpec()) {
      matches.record(primary, written, true, stillThere(context));
    }
    return written;
  }

  /** Which clusters still exist, for the memo's sweep. */
  private static Predicate<ResourceID> stillThere(Context<TradingDatabase> context) {
    return id -> context.getPrimaryCache().get(id).isPresent();
  }

  @Override
  protected final R desired(TradingDatabase primary, Context<TradingDatabase> context) {
    R desired = build(primary, model(context), context);
    // A controller reference: kubectl and the garbage collector see the TradingDatabase as owner.
    desired.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(primary)));
    return desired;
  }

  /**
   * A Secret of this cluster as the operator last saw it: from the shared Secret informer, which the
   * SDK also gives the objects this reconcile's dependents just created. Empty for a Secret the
   * operator did not make (a user's own superuser Secret) and for one not seen yet.
   */
  @SuppressWarnings("unchecked")
  public static Optional<Secret> cachedSecret(Context<TradingDatabase> context, String name) {
    var secrets = (io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<Secret, TradingDatabase>)
        context.eventSourceRetriever().getEventSourceFor(Secret.class, SECRETS_EVENT_SOURCE);
    return secrets.get(new ResourceID(name, context.getPrimaryResource().getMetadata().getNamespace()));
  }

  /** The object's name; the target is found by name, without building the desired object. */
  protected abstract String name(ClusterNames names);

  @Override
  protected ResourceID targetSecondaryResourceID(
      TradingDatabase primary, Context<TradingDatabase> context) {
    ClusterNames names = names(primary);
    return new ResourceID(name(names), names.namespace());
  }

  /**
   * The TradingDatabase an object belongs to, by its instance label: for pods and claims, which the
   * StatefulSet owns, and for Secrets that outlive a TradingDatabase (see DataSecretOwnership).
   */
  public static Set<ResourceID> byInstanceLabel(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String instance = labels == null ? null : labels.get(Labels.INSTANCE);
    return instance == null
        ? Set.of()
        : Set.of(new ResourceID(instance, object.getMetadata().getNamespace()));
  }

  public static ClusterNames names(TradingDatabase primary) {
    return new ClusterNames(primary.getMetadata().getName(), primary.getMetadata().getNamespace());
  }

  protected abstract R build(
      TradingDatabase primary, ClusterModel model, Context<TradingDatabase> context);

  public static ClusterModel model(Context<TradingDatabase> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(MODEL_KEY, ClusterModel.class);
  }

  public static boolean operatorRollout(Context<TradingDatabase> context) {
    return context.managedWorkflowAndDependentResourceContext().get(OPERATOR_ROLLOUT_KEY, Boolean.class).orElse(false);
  }

  public static String operatorNamespace(Context<TradingDatabase> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(OPERATOR_NAMESPACE_KEY, String.class);
  }
}
