package io.tradingdb.operator.backup;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.kube.TargetUnavailableException;
import io.tradingdb.operator.kube.CronSchedule;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tradingdb.operator.kube.CompactItemStore;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.kube.StatusPatch;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a BackupSchedule's ConfigMap and CronJobs in place (dependents that write only what
 * changed), starts on-demand backups, and turns the Jobs' results into status, Events and
 * metrics. Jobs and pods are watched through informers restricted to the operator's labels.
 */
// Not generation-aware: the tradingdb.io/backup-now annotation changes metadata only, and must
// still start a reconcile. Status is written only when it changed, so this does not loop.
@ControllerConfiguration(name = "backupschedule", generationAwareEventProcessing = false,
    informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT))
// Explicit: an invalid spec leaves the objects of the last valid one in place.
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "backup-scripts", type = BackupScriptsDependent.class),
      @Dependent(name = "backup-cronjobs", type = BackupCronJobsDependent.class)
    })
public class BackupScheduleReconciler implements Reconciler<BackupSchedule>, Cleaner<BackupSchedule> {

  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduleReconciler.class);
  /** Informers cache only the operator's backup objects. */
  static final String SELECTOR = Labels.MANAGED_SELECTOR + "," + Labels.NAME + "=" + BackupWorkloads.KIND_NAME;
  /** Upper bound between reconciles so an overdue backup is noticed without any event. */
  private static final Duration MAX_RECHECK = Duration.ofMinutes(10);
  private static final String TARGET_CLUSTERS = "target-clusters";
  private static final String MODEL_KEY = "backupModel";

  private final KubernetesClient client;
  private final BackupMetrics metrics;
  private final Clock clock;

  private final EventRecorder events;
  private final ExternalTargetPolicy externalTargets;
  private final Function<ResourceID, Optional<TradingDatabase>> clusters;

  /**
   * Reads target clusters from the API server; the operator passes the TradingDatabase controller's cache instead.
   *
   * @param externalTargets the hosts target.external may name; a schedule naming another gets no CronJob
   */
  public BackupScheduleReconciler(
      KubernetesClient client, BackupMetrics metrics, Clock clock, ExternalTargetPolicy externalTargets) {
    this(client, metrics, clock, externalTargets, id -> Optional.empty());
  }

  /**
   * @param externalTargets the hosts target.external may name; a schedule naming another gets no CronJob
   * @param clusters the TradingDatabases the process already caches; a cluster it does not hold at
   *     the version this controller was told about is read from the API server
   */
  public BackupScheduleReconciler(KubernetesClient client, BackupMetrics metrics, Clock clock,
      ExternalTargetPolicy externalTargets, Function<ResourceID, Optional<TradingDatabase>> clusters) {
    this.events = new EventRecorder(client, clock);
    this.client = client;
    this.metrics = metrics;
    this.clock = clock;
    this.externalTargets = externalTargets;
    this.clusters = clusters;
  }

  @Override
  public List<EventSource<?, BackupSchedule>> prepareEventSources(EventSourceContext<BackupSchedule> context) {
    return List.of(
        informer(context, Job.class),
        informer(context, Pod.class),
        targetClusters(context));
  }

  /**
   * The TradingDatabases schedules back up: a change there (instances, spec.pgBackRest, the
   * cluster appearing or going) reconciles the schedules that target it. This informer keeps only
   * each cluster's name and version; the spec comes from {@link #clusters}, so the process caches
   * TradingDatabases once.
   */
  private static InformerEventSource<TradingDatabase, BackupSchedule> targetClusters(
      EventSourceContext<BackupSchedule> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(TradingDatabase.class, BackupSchedule.class)
            .withInformerListLimit(InformerCaches.LIST_LIMIT)
            .withName(TARGET_CLUSTERS)
            .withItemStore(new CompactItemStore<>(c -> InformerCaches.identityOnly(c, TradingDatabase::new)))
            .withSecondaryToPrimaryMapper(cluster -> context.getPrimaryCache()
                .list(cluster.getMetadata().getNamespace())
                .filter(s -> s.getSpec() != null && cluster.getMetadata().getName()
                    .equals(ClusterModel.tradingDatabaseName(s.getSpec().getTarget())))
                .map(ResourceID::fromResource)
                .collect(java.util.stream.Collectors.toSet()))
            .withPrimaryToSecondaryMapper((BackupSchedule s) -> {
              String name = s.getSpec() == null ? null : ClusterModel.tradingDatabaseName(s.getSpec().getTarget());
              return name == null ? Set.of() : Set.of(new ResourceID(name, s.getMetadata().getNamespace()));
            })
            .build(),
        context);
  }

  private static <R extends HasMetadata> InformerEventSource<R, BackupSchedule> informer(
      EventSourceContext<BackupSchedule> context, Class<R> type) {
    SecondaryToPrimaryMapper<R> byInstanceLabel = r -> {
      Map<String, String> labels = r.getMetadata().getLabels();
      String instance = labels == null ? null : labels.get(Labels.INSTANCE);
      return instance == null ? Set.of() : Set.of(new ResourceID(instance, r.getMetadata().getNamespace()));
    };
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, BackupSchedule.class)
            .withInformerListLimit(InformerCaches.LIST_LIMIT)
            // Named, so /readyz and the logs say "backupschedule/backup-jobs", not an object hash.
            .withName("backup-" + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + "s")
            .withLabelSelector(SELECTOR)
            .withSecondaryToPrimaryMapper(byInstanceLabel)
            .build(),
        context);
  }

  @Override
  public UpdateControl<BackupSchedule> reconcile(BackupSchedule schedule, Context<BackupSchedule> context) {
    String namespace = schedule.getMetadata().getNamespace();
    String name = schedule.getMetadata().getName();
    BackupModel model = null;
    String invalid = null;
    String onDemandToken = null;
    try {
      TradingDatabase cluster = context.getSecondaryResource(TradingDatabase.class).map(this::cluster).orElse(null);
      model = validModel(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), cluster), cluster);
      // The backup Job would connect to it: refused before any CronJob exists.
      externalTargets.check(schedule.getSpec().getTarget());
    } catch (InvalidSpecException | TargetUnavailableException | ExternalTargetPolicy.TargetNotAllowedException e) {
      model = null;
      invalid = e.getMessage();
    }
    if (model != null) {
      context.managedWorkflowAndDependentResourceContext().put(MODEL_KEY, model);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
      onDemandToken = startOnDemandBackup(schedule, model);
    }

    List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
    List<JobRun> runs = context.getSecondaryResources(Job.class).stream().map(job -> JobRun.from(job, pods)).toList();
    String lastScheduleTime = context.getSecondaryResources(CronJob.class).stream()
        .filter(c -> c.getMetadata().getName().equals(name) && c.getStatus() != null)
        .map(c -> c.getStatus().getLastScheduleTime())
        .filter(Objects::nonNull)
        .findFirst().orElse(null);
    BackupStatusCalculator.Observed observed = new BackupStatusCalculator.Observed(
        schedule.getMetadata().getGeneration() == null ? 0 : schedule.getMetadata().getGeneration(),
        JobRun.instant(schedule.getMetadata().getCreationTimestamp()),
        targetText(schedule.getSpec().getTarget(), model),
        invalid,
        model == null ? null : new BackupStatusCalculator.Schedule(
            model.pgBackRest() == null ? List.of(model.schedule()) : List.copyOf(model.pgBackRest().schedules().values()),
            model.timeZone(), model.suspend(), model.staleAfter()),
        lastScheduleTime,
        runs,
        onDemandToken);
    BackupScheduleStatus previous = schedule.getStatus();
    BackupStatusCalculator.Outcome outcome = BackupStatusCalculator.compute(previous, observed, clock);
    outcome.status().setOnDemand(OnDemandResult.of(onDemandToken,
        onDemandToken == null ? null : new BackupNames(name).onDemandJob(onDemandToken), runs,
        previous == null ? null : previous.getOnDemand()));
    for (BackupStatusCalculator.Finding finding : outcome.findings()) {
      if (finding.warning()) {
        events.warning(schedule, finding.reason(), finding.message());
      } else {
        events.normal(schedule, finding.reason(), finding.message());
      }
    }
    String lastSuccess = outcome.status().getLastSuccessTime();
    metrics.record(namespace, name, ClusterModel.tradingDatabaseName(schedule.getSpec().getTarget()),
        outcome.status(), outcome.findings(), model == null ? null : BackupStatusCalculator.successDeadline(
            observed.schedule(), lastSuccess != null ? Instant.parse(lastSuccess) : observed.createdAt(),
            model.activeDeadlineSeconds()));

    Duration recheck = invalid != null ? Duration.ofMinutes(1) : MAX_RECHECK;
    if (outcome.status().equals(previous)) {
      return UpdateControl.<BackupSchedule>noUpdate().rescheduleAfter(recheck);
    }
    return UpdateControl.patchStatus(StatusPatch.of(schedule, outcome.status(), BackupSchedule::new))
        .rescheduleAfter(recheck);
  }

  /** The cluster at the version this controller's informer saw, from the shared cache when it has that version. */
  private TradingDatabase cluster(TradingDatabase seen) {
    String version = seen.getMetadata().getResourceVersion();
    return clusters.apply(ResourceID.fromResource(seen))
        .filter(c -> Objects.equals(version, c.getMetadata().getResourceVersion()))
        .orElseGet(() -> client.resources(TradingDatabase.class).inNamespace(seen.getMetadata().getNamespace())
            .withName(seen.getMetadata().getName()).get());
  }

  @Override
  public DeleteControl cleanup(BackupSchedule schedule, Context<BackupSchedule> context) {
    // Owned objects go with the owner; stored backups are left where they are, deliberately.
    context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
    metrics.remove(schedule.getMetadata().getNamespace(), schedule.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  /** The model the dependents build from, put into the workflow context by {@link #reconcile}. */
  static BackupModel model(Context<BackupSchedule> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(MODEL_KEY, BackupModel.class);
  }

  /** The model of a spec that can run; a bad cron schedule is refused here, before it reaches a CronJob. */
  static BackupModel validModel(BackupSchedule schedule, ConnectionTarget target, TradingDatabase cluster) {
    BackupModel model = BackupModel.from(schedule, target, cluster);
    checkCron("spec.schedule", model.schedule());
    if (model.pgBackRest() != null) {
      checkCron("spec.pgBackRest.fullSchedule", model.pgBackRest().fullSchedule());
      if (model.pgBackRest().differentialSchedule() != null) {
        checkCron("spec.pgBackRest.differentialSchedule", model.pgBackRest().differentialSchedule());
      }
      if (model.pgBackRest().incrementalSchedule() != null) {
        checkCron("spec.pgBackRest.incrementalSchedule", model.pgBackRest().incrementalSchedule());
      }
    }
    if (model.verification().enabled()) {
      checkCron("spec.verification.schedule", model.verification().schedule());
    }
    return model;
  }

  private static void checkCron(String field, String expression) {
    try {
      CronSchedule.parse(expression);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field + ": " + e.getMessage());
    }
  }

  /** Creates the Job for a new tradingdb.io/backup-now token; returns the token acted on, or null. */
  private String startOnDemandBackup(BackupSchedule schedule, BackupModel model) {
    Map<String, String> annotations = schedule.getMetadata().getAnnotations();
    String token = annotations == null ? null : annotations.get(BackupSchedule.BACKUP_NOW_ANNOTATION);
    if (token == null || token.isBlank()) {
      return null;
    }
    if (alreadyActedOn(schedule.getStatus(), token)) {
      return token;
    }
    // The cached primary can lag behind our own last status write; ask the server before starting a backup.
    BackupSchedule fresh = client.resources(BackupSchedule.class).inNamespace(schedule.getMetadata().getNamespace())
        .withName(schedule.getMetadata().getName()).get();
    if (fresh != null && alreadyActedOn(fresh.getStatus(), token)) {
      return token;
    }
    Job job = BackupWorkloads.onDemandJob(model, token);
    own(schedule, job);
    if (client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName()).get() == null) {
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
      events.normal(schedule, "BackupRequested", "on-demand backup Job " + job.getMetadata().getName() + " created");
    }
    return token;
  }

  private static boolean alreadyActedOn(BackupScheduleStatus status, String token) {
    return status != null && token.equals(status.getLastOnDemandToken());
  }

  private static void own(BackupSchedule owner, HasMetadata object) {
    object.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(owner)));
  }

  private static String targetText(DatabaseTarget target, BackupModel model) {
    if (target != null && target.getTradingDatabase() != null) {
      return "tradingDatabase/" + target.getTradingDatabase().getName();
    }
    if (model != null) {
      return model.target().host() + ":" + model.target().port() + "/" + model.target().database();
    }
    return target != null && target.getExternal() != null ? target.getExternal().getHost() : null;
  }
}
