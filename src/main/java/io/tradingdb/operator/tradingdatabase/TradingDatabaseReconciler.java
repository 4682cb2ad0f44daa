package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.tradingdb.operator.kube.CompactItemStore;
import io.tradingdb.operator.kube.Conditions;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.kube.StatusPatch;
import io.tradingdb.operator.kube.MemoryPressure;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.OptionalResources;
import io.tradingdb.operator.kube.StatusMessages;
import io.tradingdb.operator.tradingdatabase.dependent.ClusterConditions;
import io.tradingdb.operator.tradingdatabase.dependent.CaSecretDependent;
import io.tradingdb.operator.tradingdatabase.dependent.ClusterDependent;
import io.tradingdb.operator.tradingdatabase.dependent.DashboardConfigMapDependent;
import io.tradingdb.operator.tradingdatabase.dependent.DisruptionBudgetDependent;
import io.tradingdb.operator.tradingdatabase.dependent.MonitoringConfigMapDependent;
import io.tradingdb.operator.tradingdatabase.dependent.NetworkPolicyDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PoolerNetworkPolicyDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PoolerConfigMapDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PoolerDeploymentDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PoolerDisruptionBudgetDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PoolerServiceDependent;
import io.tradingdb.operator.tradingdatabase.dependent.HeadlessServiceDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PatroniConfigMapDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PatroniCredentialsDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PatroniRoleBindingDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PatroniRoleDependent;
import io.tradingdb.operator.tradingdatabase.dependent.ReadOnlyServiceDependent;
import io.tradingdb.operator.tradingdatabase.dependent.ReadWriteServiceDependent;
import io.tradingdb.operator.tradingdatabase.dependent.SecretsDependent;
import io.tradingdb.operator.tradingdatabase.dependent.ServiceAccountDependent;
import io.tradingdb.operator.tradingdatabase.dependent.StatefulSetDependent;
import io.tradingdb.operator.tradingdatabase.dependent.PgBackRestTlsDependent;
import io.tradingdb.operator.tradingdatabase.dependent.TlsSecretDependent;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.dependent.OptionalKindDependent;
import io.tradingdb.operator.tradingdatabase.dependent.OptionalKindDependents;
import io.tradingdb.operator.kube.InvalidSpecException;
import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a TradingDatabase: resolve the spec into a {@link ClusterModel}, let the workflow
 * apply the desired objects, run the {@link ClusterSteps} that are not objects (volume growth,
 * database checks, restore, Patroni operations), and report what was observed in the status.
 */
@ControllerConfiguration(
    name = ClusterDependent.FIELD_MANAGER,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, itemStore = TradingDatabaseReconciler.CachedClusters.class),
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(
          name = TradingDatabaseReconciler.SUPERUSER_SECRET,
          type = SecretsDependent.Superuser.class),
      @Dependent(
          name = "replication-secret",
          type = SecretsDependent.Replication.class,
          useEventSourceWithName = "superuser-secret"),
      @Dependent(
          name = "ca-secret",
          type = CaSecretDependent.class,
          reconcilePrecondition = ClusterConditions.OperatorCaNeeded.class,
          useEventSourceWithName = "superuser-secret"),
      @Dependent(
          name = "tls-secret",
          type = TlsSecretDependent.class,
          reconcilePrecondition = ClusterConditions.OperatorIssuedTls.class,
          dependsOn = "ca-secret",
          useEventSourceWithName = "superuser-secret"),
      @Dependent(
          name = "pgbackrest-tls-secret",
          type = PgBackRestTlsDependent.class,
          reconcilePrecondition = ClusterConditions.PgBackRestEnabled.class,
          dependsOn = "ca-secret",
          useEventSourceWithName = "superuser-secret"),
      @Dependent(name = "patroni-config", type = PatroniConfigMapDependent.class),
      @Dependent(
          name = "patroni-credentials",
          type = PatroniCredentialsDependent.class,
          dependsOn = {TradingDatabaseReconciler.SUPERUSER_SECRET, "replication-secret"},
          useEventSourceWithName = "superuser-secret"),
      @Dependent(name = "service-account", type = ServiceAccountDependent.class),
      @Dependent(name = "patroni-role", type = PatroniRoleDependent.class),
      @Dependent(
          name = "patroni-role-binding",
          type = PatroniRoleBindingDependent.class,
          dependsOn = {"patroni-role", "service-account"}),
      @Dependent(name = "headless-service", type = HeadlessServiceDependent.class),
      @Dependent(
          name = "rw-service",
          type = ReadWriteServiceDependent.class,
          useEventSourceWithName = "headless-service"),
      @Dependent(
          name = "ro-service",
          type = ReadOnlyServiceDependent.class,
          useEventSourceWithName = "headless-service"),
      @Dependent(
          name = "statefulset",
          type = StatefulSetDependent.class,
          dependsOn = {"patroni-config", "patroni-credentials", "patroni-role-binding", "headless-service"}),
      @Dependent(
          name = "disruption-budget",
          type = DisruptionBudgetDependent.class,
          reconcilePrecondition = ClusterConditions.HighlyAvailable.class),
      @Dependent(
          name = "network-policy",
          type = NetworkPolicyDependent.class,
          reconcilePrecondition = ClusterConditions.NetworkPolicyEnabled.class),
      @Dependent(
          name = "pooler-network-policy",
          type = PoolerNetworkPolicyDependent.class,
          reconcilePrecondition = ClusterConditions.PoolerNetworkPolicyEnabled.class,
          useEventSourceWithName = "network-policy"),
      @Dependent(
          name = "pooler-auth-secret",
          type = SecretsDependent.PoolerAuth.class,
          reconcilePrecondition = ClusterConditions.PoolerEnabled.class,
          useEventSourceWithName = "superuser-secret"),
      @Dependent(
          name = "pooler-config",
          type = PoolerConfigMapDependent.class,
          reconcilePrecondition = ClusterConditions.PoolerEnabled.class,
          useEventSourceWithName = "patroni-config"),
      @Dependent(
          name = "pooler-service",
          type = PoolerServiceDependent.class,
          reconcilePrecondition = ClusterConditions.PoolerEnabled.class,
          useEventSourceWithName = "headless-service"),
      @Dependent(
          name = "pooler",
          type = PoolerDeploymentDependent.class,
          reconcilePrecondition = ClusterConditions.PoolerEnabled.class,
          dependsOn = {"pooler-auth-secret", "pooler-config"}),
      @Dependent(
          name = "pooler-disruption-budget",
          type = PoolerDisruptionBudgetDependent.class,
          reconcilePrecondition = ClusterConditions.PoolerHighlyAvailable.class,
          useEventSourceWithName = "disruption-budget"),
      @Dependent(
          name = "monitoring-auth-secret",
          type = SecretsDependent.MonitoringAuth.class,
          reconcilePrecondition = ClusterConditions.MonitoringEnabled.class,
          useEventSourceWithName = "superuser-secret"),
      @Dependent(
          name = "monitoring-config",
          type = MonitoringConfigMapDependent.class,
          reconcilePrecondition = ClusterConditions.MonitoringEnabled.class,
          useEventSourceWithName = "patroni-config"),
      @Dependent(
          name = "dashboard",
          type = DashboardConfigMapDependent.class,
          reconcilePrecondition = ClusterConditions.MonitoringEnabled.class,
          useEventSourceWithName = "patroni-config"),
      // Kinds only some clusters serve: activated once their CRD exists, then kept like the rest.
      @Dependent(
          name = "pod-monitor",
          type = OptionalKindDependents.PodMonitor.class,
          activationCondition = OptionalKindDependent.Installed.class,
          reconcilePrecondition = ClusterConditions.MonitoringEnabled.class),
      @Dependent(
          name = "prometheus-rule",
          type = OptionalKindDependents.PrometheusRule.class,
          activationCondition = OptionalKindDependent.Installed.class,
          reconcilePrecondition = ClusterConditions.MonitoringEnabled.class),
      @Dependent(
          name = "alertmanager-config",
          type = OptionalKindDependents.AlertmanagerConfig.class,
          activationCondition = OptionalKindDependent.Installed.class,
          reconcilePrecondition = ClusterConditions.AlertRoutingConfigured.class),
      @Dependent(
          name = "certificate",
          type = OptionalKindDependents.Certificate.class,
          activationCondition = OptionalKindDependent.Installed.class,
          reconcilePrecondition = ClusterConditions.CertManagerTls.class),
    })
public class TradingDatabaseReconciler implements Reconciler<TradingDatabase> {

  private static final Logger LOG = LoggerFactory.getLogger(TradingDatabaseReconciler.class);
  private static final String PODS = "pods";
  private static final String CLAIMS = "claims";
  private static final String REQUESTS = "requests";
  /** The dependent whose informer every Secret dependent shares. */
  static final String SUPERUSER_SECRET = ClusterDependent.SECRETS_EVENT_SOURCE;

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;
  private final OptionalResources optionalResources;
  private final ClusterSteps steps;
  private final boolean patroniOperations;
  private final MemoryPressure memory;
  private final String operatorNamespace;
  private volatile IndexerResourceCache<TradingDatabase> clusters;

  /** The cache of TradingDatabases: without managedFields and kubectl's last-applied copy of the spec. */
  public static final class CachedClusters extends CompactItemStore<TradingDatabase> {
    public CachedClusters() {
      super(InformerCaches::primary);
    }
  }

  /**
   * @param databaseChecks connects to each cluster's primary for logins and health queries; null
   *     where the pods run no PostgreSQL (simulated nodes)
   * @param operatorNamespace the operator pods' namespace, which the NetworkPolicies admit
   */
  public TradingDatabaseReconciler(
      KubernetesClient client, Clock clock, DatabaseChecks databaseChecks, String operatorNamespace) {
    this(client, clock, databaseChecks, null, operatorNamespace);
  }

  /**
   * @param patroni applies parameters and restarts through Patroni's REST API on the pods' IPs;
   *     null where the pods run no Patroni (simulated nodes)
   */
  public TradingDatabaseReconciler(KubernetesClient client, Clock clock, DatabaseChecks databaseChecks,
      PatroniOperations patroni, String operatorNamespace) {
    this(client, clock, databaseChecks, patroni, operatorNamespace, DatabaseMetrics.discarded());
  }

  /** @param metrics where the volumes' auto-grow gauges go */
  public TradingDatabaseReconciler(KubernetesClient client, Clock clock, DatabaseChecks databaseChecks,
      PatroniOperations patroni, String operatorNamespace, DatabaseMetrics metrics) {
    this.patroniOperations = patroni != null;
    this.operatorNamespace = operatorNamespace;
    this.memory = MemoryPressure.process();
    this.client = client;
    this.clock = clock;
    this.events = new EventRecorder(client, clock);
    this.optionalResources = new OptionalResources(client, clock);
    this.steps = new ClusterSteps(client, events, optionalResources, databaseChecks, patroni,
        patroni != null && databaseChecks != null
            ? new PasswordRotation(client, databaseChecks, patroni.patroniClient(), clock) : null,
        metrics);
  }

  @Override
  public List<EventSource<?, TradingDatabase>> prepareEventSources(
      EventSourceContext<TradingDatabase> context) {
    clusters = context.getPrimaryCache();
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, TradingDatabase.class)
            .withInformerListLimit(InformerCaches.LIST_LIMIT)
                .withName(PODS)
                .withLabelSelector(ClusterDependent.SELECTOR)
                .withSecondaryToPrimaryMapper(ClusterDependent::byInstanceLabel)
                // Only a pod's name, labels, deletion and containers stuck waiting are read: other
                // status writes of kwok or the kubelet need no reconcile (the StatefulSet's status
                // brings readiness), and a crash loop reconciles once per change of its reason.
                .withItemStore(new CompactItemStore<>(InformerCaches::podMetadata))
                .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getMetadata().getLabels(), previous.getMetadata().getLabels())
                    || !Objects.equals(next.getMetadata().getDeletionTimestamp(), previous.getMetadata().getDeletionTimestamp())
                    || !InformerCaches.waitingContainers(next).equals(InformerCaches.waitingContainers(previous)))
                .build(),
            context),
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, TradingDatabase.class)
            .withInformerListLimit(InformerCaches.LIST_LIMIT)
                .withName(CLAIMS)
                .withLabelSelector(ClusterDependent.SELECTOR)
                .withSecondaryToPrimaryMapper(ClusterDependent::byInstanceLabel)
                // Volume expansion reads a claim's spec only; binding and resize status need no reconcile.
                .withItemStore(new CompactItemStore<>(InformerCaches::claimSpec))
                .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getSpec(), previous.getSpec()))
                .build(),
            context),
        // The restart and switchover-to annotations change metadata only, which the generation-aware
        // controller ignores: this informer of the clusters' request annotations alone wakes it.
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TradingDatabase.class, TradingDatabase.class)
            .withInformerListLimit(InformerCaches.LIST_LIMIT)
                .withName(REQUESTS)
                .withSecondaryToPrimaryMapper(db -> java.util.Set.of(ResourceID.fromResource(db)))
                // A cluster that leaves this cache is gone: what the reconciler kept about it goes too.
                .withItemStore(new CompactItemStore<>(TradingDatabaseReconciler::requestsOnly,
                    key -> steps.forget(cacheKeyToId(key))))
                .withOnAddFilter(db -> false)
                .withOnUpdateFilter((next, previous) -> !Objects.equals(requests(next), requests(previous)))
                .build(),
            context));
  }

  /** An informer cache key, {@code namespace/name}, as the cluster's id. */
  static ResourceID cacheKeyToId(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? new ResourceID(key) : new ResourceID(key.substring(slash + 1), key.substring(0, slash));
  }

  /** The annotations that ask for something once per value. */
  static Map<String, String> requests(TradingDatabase db) {
    Map<String, String> annotations = db.getMetadata().getAnnotations();
    Map<String, String> requests = new java.util.TreeMap<>();
    if (annotations != null) {
      for (String key : List.of(PatroniOperations.RESTART_ANNOTATION, PatroniOperations.SWITCHOVER_ANNOTATION,
          PasswordRotation.ANNOTATION)) {
        if (annotations.containsKey(key)) {
          requests.put(key, annotations.get(key));
        }
      }
    }
    return requests;
  }

  /**
   * The cluster with the request annotations of whichever copy is newer. A request annotation wakes
   * the reconciler through its own informer, whose event can come before the primary cache has the
   * new object (the generation-aware controller ignores that update): the reconcile would then read
   * the old annotations and nothing would wake it again.
   */
  static TradingDatabase withLatestRequests(TradingDatabase db, TradingDatabase requests) {
    if (requests == null || !newer(requests.getMetadata().getResourceVersion(), db.getMetadata().getResourceVersion())) {
      return db;
    }
    Map<String, String> annotations = new java.util.HashMap<>();
    if (db.getMetadata().getAnnotations() != null) {
      annotations.putAll(db.getMetadata().getAnnotations());
    }
    requests(db).keySet().forEach(annotations::remove);
    annotations.putAll(requests(requests));
    TradingDatabase copy = new TradingDatabase();
    copy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(db.getMetadata()).withAnnotations(annotations).build());
    copy.setSpec(db.getSpec());
    copy.setStatus(db.getStatus());
    return copy;
  }

  private static boolean newer(String a, String b) {
    try {
      return Long.parseLong(a) > Long.parseLong(b);
    } catch (NumberFormatException | NullPointerException e) {
      return false;
    }
  }

  private static TradingDatabase requestsOnly(TradingDatabase db) {
    TradingDatabase slim = new TradingDatabase();
    slim.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(db.getMetadata().getName()).withNamespace(db.getMetadata().getNamespace())
        .withUid(db.getMetadata().getUid()).withResourceVersion(db.getMetadata().getResourceVersion())
        .withGeneration(db.getMetadata().getGeneration()).withAnnotations(requests(db)).build());
    return slim;
  }

  /**
   * A TradingDatabase from this controller's cache, for other controllers that read clusters
   * (BackupSchedule): one cache of them in the process, not one per controller.
   */
  public Optional<TradingDatabase> cached(ResourceID id) {
    IndexerResourceCache<TradingDatabase> cache = clusters;
    return cache == null ? Optional.empty() : cache.get(id);
  }

  @Override
  public UpdateControl<TradingDatabase> reconcile(
      TradingDatabase db, Context<TradingDatabase> context) {
    return memory.throttled(() -> reconcileNow(db, context));
  }

  private UpdateControl<TradingDatabase> reconcileNow(TradingDatabase cached, Context<TradingDatabase> context) {
    TradingDatabase db = withLatestRequests(cached,
        context.getSecondaryResource(TradingDatabase.class, REQUESTS).orElse(null));
    ClusterModel model;
    try {
      model = ClusterModel.from(db);
    } catch (InvalidSpecException e) {
      // No retry: nothing changes until the user edits the spec, which triggers a new reconcile.
      TradingDatabaseStatus status = ClusterStatus.invalid(db, e.getMessage(), clock);
      return writeStatus(db, status);
    }
    context.managedWorkflowAndDependentResourceContext().put(ClusterDependent.MODEL_KEY, model);
    context.managedWorkflowAndDependentResourceContext().put(ClusterDependent.OPERATOR_NAMESPACE_KEY, operatorNamespace);
    context.managedWorkflowAndDependentResourceContext().put(ClusterDependent.OPERATOR_ROLLOUT_KEY, patroniOperations);
    context.managedWorkflowAndDependentResourceContext().put(OptionalKindDependent.OPTIONAL_RESOURCES_KEY, optionalResources);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    StatefulSet sts = context.getSecondaryResource(StatefulSet.class).orElse(null);
    List<Pod> pods = context.getSecondaryResourcesAsStream(Pod.class).toList();
    List<PersistentVolumeClaim> claims =
        context.getSecondaryResourcesAsStream(PersistentVolumeClaim.class).toList();
    ClusterSteps.Result steps = this.steps.run(db, model, sts, pods, claims, name -> ClusterDependent.cachedSecret(context, name));

    TradingDatabaseStatus status = ClusterStatus.compute(
        db, model, new ClusterStatus.Observed(sts, pods, steps.pending()), steps.checks(), clock);
    status.setAlerting(steps.alerting());
    if (steps.restore() != null) {
      status = ClusterStatus.withBootstrap(status, steps.restore(), db.getMetadata().getGeneration(), clock);
    }
    if (steps.patroniRan()) {
      status = ClusterStatus.withPatroni(status, steps.patroni(), db.getStatus() == null ? null : db.getStatus().getConditions(),
          db.getMetadata().getGeneration(), clock);
    }
    if (steps.rotation() != null && steps.rotation().result() != null) {
      status.setPasswordRotation(steps.rotation().result());
    }
    if (steps.volumes() != null || (db.getStatus() != null && db.getStatus().getVolumes() != null)) {
      VolumeAutoGrow.Plan volumes = steps.volumes();
      status = ClusterStatus.withVolumes(status, volumes == null ? null : volumes.usage(),
          volumes == null ? List.of() : volumes.blocked().stream().map(VolumeAutoGrow.Blocked::message).toList(),
          db.getMetadata().getGeneration(), clock);
    }
    java.time.Duration nextCheck = steps.nextCheck();
    UpdateControl<TradingDatabase> control = writeStatus(db, status);
    return nextCheck == null ? control : control.rescheduleAfter(nextCheck);
  }

  @Override
  public ErrorStatusUpdateControl<TradingDatabase> updateErrorStatus(
      TradingDatabase db, Context<TradingDatabase> context, Exception e) {
    if (StatusMessages.isInterruption(e)) {
      // The operator is stopping (or lost its lease): not a problem of this cluster, so no status and no Event.
      LOG.info("reconcile of {}/{} interrupted", db.getMetadata().getNamespace(), db.getMetadata().getName());
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    String message = "reconcile failed, retrying: " + StatusMessages.of(e);
    LOG.warn("reconcile of {}/{} failed", db.getMetadata().getNamespace(), db.getMetadata().getName(), e);
    TradingDatabaseStatus status = ClusterStatus.reconcileError(db, message, clock);
    if (Objects.equals(status, db.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    events.warning(db, "ReconcileError", message);
    return ErrorStatusUpdateControl.patchStatus(StatusPatch.of(db, status, TradingDatabase::new));
  }

  /** Writes the status only when it changed, recording an Event when the phase changes. */
  private UpdateControl<TradingDatabase> writeStatus(TradingDatabase db, TradingDatabaseStatus status) {
    TradingDatabaseStatus previous = db.getStatus();
    if (Objects.equals(status, previous)) {
      return UpdateControl.noUpdate();
    }
    String oldPhase = previous == null ? null : previous.getPhase();
    if (!Objects.equals(oldPhase, status.getPhase())) {
      boolean warning = ClusterStatus.FAILED.equals(status.getPhase()) || ClusterStatus.DEGRADED.equals(status.getPhase());
      Optional<Condition> why = Conditions.find(status.getConditions(), warning ? Conditions.DEGRADED : Conditions.READY);
      String message = why.map(c -> c.getMessage()).orElse(status.getPhase());
      LOG.atInfo().addKeyValue("namespace", db.getMetadata().getNamespace())
          .addKeyValue("tradingdatabase", db.getMetadata().getName())
          .addKeyValue("phase", status.getPhase()).addKeyValue("previousPhase", oldPhase)
          .log("TradingDatabase {}/{}: phase {} -> {} ({}: {})", db.getMetadata().getNamespace(), db.getMetadata().getName(),
              oldPhase, status.getPhase(), why.map(c -> c.getReason()).orElse("-"), message);
      if (warning) {
        events.warning(db, status.getPhase(), message);
      } else {
        events.normal(db, status.getPhase(), message);
      }
    }
    return UpdateControl.patchStatus(StatusPatch.of(db, status, TradingDatabase::new));
  }
}
