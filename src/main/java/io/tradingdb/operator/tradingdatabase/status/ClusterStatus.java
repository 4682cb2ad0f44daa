package io.tradingdb.operator.tradingdatabase.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeUsage;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.postgres.HealthEvaluator;
import io.tradingdb.operator.tradingdatabase.workload.ClusterServices;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Turns what the operator observed into the status a user reads. Pure: no client in sight. */
public final class ClusterStatus {

  public static final String CREATING = "Creating";
  public static final String READY = "Ready";
  public static final String UPDATING = "Updating";
  public static final String DEGRADED = "Degraded";
  public static final String FAILED = "Failed";
  public static final String RESTORING = "Restoring";

  private ClusterStatus() {}

  /** What was observed about the cluster's objects in this reconcile. */
  public record Observed(StatefulSet statefulSet, Collection<Pod> pods, List<String> pendingChanges) {}

  public static final String HEALTH_CHECKED = "HealthChecked";
  /** spec.timescaledb.hypertables: True when every declared table has its policies. */
  public static final String TIMESCALE_POLICIES = "TimescalePolicies";
  /** Present only with spec.bootstrap.fromBackup: True once the backup is in, with which backup and when. */
  public static final String RESTORED = "Restored";
  /** True when spec.postgresql.parameters are in Patroni's configuration and no instance waits for a restart. */
  public static final String PARAMETERS_APPLIED = "ParametersApplied";

  /**
   * @param checks the latest round of in-database checks, or null when none ran (disabled, or no
   *     primary yet)
   */
  public static TradingDatabaseStatus compute(
      TradingDatabase db, ClusterModel model, Observed observed, CheckOutcome checks, Clock clock) {
    TradingDatabaseStatus previous = db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
    Long generation = db.getMetadata().getGeneration();
    ClusterNames n = model.names();
    TradingDatabaseStatus s = copyFacts(previous);
    s.setObservedGeneration(generation);
    s.setInstances(model.instances());
    s.setImage(model.image());
    s.setSuperuserSecret(model.superuserSecret());
    TradingDatabaseStatus.Endpoints endpoints = new TradingDatabaseStatus.Endpoints();
    endpoints.setReadWrite(n.serviceHost(n.readWriteService()));
    endpoints.setReadOnly(n.serviceHost(n.readOnlyService()));
    endpoints.setPooler(model.pooler().enabled() ? n.serviceHost(n.poolerService()) : null);
    endpoints.setPort(ClusterNames.POSTGRES_PORT);
    s.setEndpoints(endpoints);
    s.setPendingChanges(observed.pendingChanges().isEmpty() ? null : List.copyOf(observed.pendingChanges()));

    StatefulSet sts = observed.statefulSet();
    int ready = sts == null || sts.getStatus() == null || sts.getStatus().getReadyReplicas() == null
        ? 0 : sts.getStatus().getReadyReplicas();
    s.setReadyInstances(ready);
    String primary = primaryPod(observed.pods());
    s.setCurrentPrimary(primary);
    boolean rolling = rolling(sts, model.instances());
    // A cluster bootstrapped from a backup comes up after its restore: Restoring is creation too (a
    // point-in-time restore on the real node went Restoring -> Degraded -> Ready).
    boolean everReady = previous.getPhase() != null && !CREATING.equals(previous.getPhase())
        && !RESTORING.equals(previous.getPhase());

    List<WantedCondition> c = new ArrayList<>();
    String phase;
    if (ready >= model.instances() && primary != null && !rolling) {
      phase = observed.pendingChanges().isEmpty() ? READY : DEGRADED;
      c.add(new WantedCondition(Conditions.READY, true, "AllInstancesReady",
          ready + "/" + model.instances() + " instances ready; primary is " + primary));
      c.add(new WantedCondition(Conditions.PROGRESSING, false, "Reconciled", "the cluster matches its spec"));
    } else if (!everReady) {
      // A new cluster is Creating until it has been Ready once: its replicas come up one after the
      // other, which is not Degraded (that only said "2 of 3 instances are not ready" for a minute).
      phase = CREATING;
      String stuck = stuckContainer(observed.pods());
      c.add(new WantedCondition(Conditions.READY, false, stuck == null ? "Creating" : "ContainerNotStarting",
          (ready == 0 ? "waiting for the first instance: 0/" + model.instances() + " ready"
              : "creating the cluster: " + ready + "/" + model.instances() + " instances ready")
              + (stuck == null ? "" : "; " + stuck)));
      c.add(new WantedCondition(Conditions.PROGRESSING, true, "Creating", "creating the cluster"));
    } else if (rolling) {
      phase = UPDATING;
      c.add(new WantedCondition(Conditions.READY, ready > 0 && primary != null, "RollingUpdate",
          "rolling update in progress: " + ready + "/" + model.instances() + " instances ready"));
      c.add(new WantedCondition(Conditions.PROGRESSING, true, "RollingUpdate",
          "applying the new pod template or instance count"));
    } else {
      phase = DEGRADED;
      String stuck = stuckContainer(observed.pods());
      String why = (primary == null
          ? "no instance holds the primary role"
          : (model.instances() - ready) + " of " + model.instances() + " instances are not ready")
          + (stuck == null ? "" : "; " + stuck);
      c.add(new WantedCondition(Conditions.READY, false, primary == null ? "NoPrimary" : "InstancesNotReady", why));
      c.add(new WantedCondition(Conditions.PROGRESSING, false, "Waiting", "waiting for instances to recover"));
    }
    HealthEvaluator.Finding finding = checks == null ? null : checks.finding();
    if (READY.equals(phase) && finding != null) {
      phase = DEGRADED;
    }
    if (checks != null) {
      s.setHealth(checks.health());
      c.add(checks.error() == null
          ? new WantedCondition(HEALTH_CHECKED, true, "Checked", "health queries ran on the primary")
          : new WantedCondition(HEALTH_CHECKED, false, "Unreachable", checks.error()));
    }
    PolicyOutcome policies = checks == null ? null : checks.policies();
    if (policies != null) {
      s.setHypertables(policies.tables().isEmpty() ? null : policies.tables());
      c.add(new WantedCondition(TIMESCALE_POLICIES, !policies.retrySoon(), policies.reason(), policies.message()));
      if (READY.equals(phase) && finding == null && policies.jobFailed()) {
        phase = DEGRADED;
        finding = new HealthEvaluator.Finding("TimescaleJobFailed", policies.message());
      }
    }
    if (DEGRADED.equals(phase) && finding != null && ready >= model.instances()) {
      c.add(new WantedCondition(Conditions.DEGRADED, true, finding.reason(), finding.message()));
    } else if (DEGRADED.equals(phase)) {
      boolean pendingOnly = ready >= model.instances() && primary != null;
      c.add(new WantedCondition(Conditions.DEGRADED, true,
          pendingOnly ? "PendingChanges" : primary == null ? "NoPrimary" : "InstancesNotReady",
          pendingOnly ? String.join("; ", observed.pendingChanges()) : c.get(0).message()));
    } else {
      c.add(new WantedCondition(Conditions.DEGRADED, false, "AsExpected", "no problem detected"));
    }
    s.setPhase(phase);
    s.setConditions(apply(previous, c, generation, clock));
    return s;
  }

  /**
   * Adds the progress of spec.bootstrap.fromBackup: until the restore is done the cluster is not
   * Ready for applications, and a failed restore makes it Degraded with the reason.
   */
  public static TradingDatabaseStatus withBootstrap(
      TradingDatabaseStatus computed, RestoreOutcome restore, Long generation, Clock clock) {
    List<WantedCondition> c = new ArrayList<>();
    c.add(new WantedCondition(RESTORED, restore.done(),
        restore.done() ? "Restored" : restore.failed() ? "RestoreFailed" : "Restoring", restore.message()));
    if (restore.done()) {
      computed.setConditions(apply(computed, c, generation, clock));
      return computed;
    }
    c.add(new WantedCondition(Conditions.READY, false, restore.failed() ? "RestoreFailed" : "Restoring", restore.message()));
    if (restore.failed()) {
      c.add(new WantedCondition(Conditions.DEGRADED, true, "RestoreFailed", restore.message()));
      computed.setPhase(DEGRADED);
    } else {
      c.add(new WantedCondition(Conditions.PROGRESSING, true, "Restoring", restore.message()));
      computed.setPhase(RESTORING);
    }
    computed.setConditions(apply(computed, c, generation, clock));
    return computed;
  }

  /**
   * Adds what Patroni reported: the instances waiting for a restart, the ParametersApplied
   * condition, and Degraded when PostgreSQL would refuse a parameter value (nothing was applied).
   */
  public static TradingDatabaseStatus withPatroni(TradingDatabaseStatus computed, PatroniOutcome outcome,
      List<io.fabric8.kubernetes.api.model.Condition> before, Long generation, Clock clock) {
    if (outcome == null) {
      return computed;
    }
    if (outcome.restart() != null) {
      computed.setRestart(outcome.restart());
    }
    if (outcome.switchover() != null) {
      computed.setSwitchover(outcome.switchover());
    }
    List<WantedCondition> c = new ArrayList<>();
    if (outcome.rejected() != null) {
      String message = "PostgreSQL would refuse spec.postgresql.parameters, so none was applied and the running "
          + "configuration stays: " + outcome.rejected();
      c.add(new WantedCondition(PARAMETERS_APPLIED, false, "ParameterRejected", message));
      if (READY.equals(computed.getPhase())) {
        computed.setPhase(DEGRADED);
        c.add(new WantedCondition(Conditions.DEGRADED, true, "ParameterRejected", message));
      }
    } else if (outcome.pendingRestart() == null || outcome.error() != null) {
      c.add(new WantedCondition(PARAMETERS_APPLIED, false, "PatroniUnreachable",
          outcome.error() == null ? "Patroni's REST API was not asked" : outcome.error()));
    }
    if (outcome.pendingRestart() != null) {
      computed.setPendingRestart(outcome.pendingRestart().isEmpty() ? null : List.copyOf(outcome.pendingRestart()));
      if (outcome.rejected() == null && outcome.error() == null) {
        if (outcome.pendingRestart().isEmpty() && outcome.applying() != null) {
          c.add(new WantedCondition(PARAMETERS_APPLIED, false, "Applying", outcome.applying()));
        } else if (outcome.pendingRestart().isEmpty()) {
          c.add(new WantedCondition(PARAMETERS_APPLIED, true, "Applied",
              "spec.postgresql.parameters are in Patroni's configuration and in effect on every instance"));
        } else {
          String pods = String.join(", ", outcome.pendingRestart().stream().map(p -> p.getPod()).toList());
          c.add(new WantedCondition(PARAMETERS_APPLIED, false, "RestartPending",
              pods + " wait for a restart (replicas first, then a switchover, then the old primary)"
                  + (outcome.step() == null ? "" : "; " + outcome.step())));
        }
      }
    }
    if (outcome.step() != null && UPDATING.equals(computed.getPhase())) {
      // The operator's own rollout (replicas first, switchover, old primary last): say where it is.
      c.add(new WantedCondition(Conditions.PROGRESSING, true, "RollingUpdate", outcome.step()));
    }
    computed.setConditions(keepTransitions(before, apply(computed, c, generation, clock)));
    return computed;
  }

  /**
   * Adds spec.storage.*.autoGrow: each instance's volume usage, and Degraded (reason
   * VolumeCannotGrow) when a volume past its threshold cannot grow.
   *
   * @param usage null when no volume has autoGrow any more: the usage leaves the status
   * @param cannotGrow one message per volume past its threshold that cannot grow
   */
  public static TradingDatabaseStatus withVolumes(TradingDatabaseStatus computed, List<VolumeUsage> usage,
      List<String> cannotGrow, Long generation, Clock clock) {
    computed.setVolumes(usage == null || usage.isEmpty() ? null : List.copyOf(usage));
    if (cannotGrow.isEmpty() || !READY.equals(computed.getPhase())) {
      return computed;
    }
    computed.setPhase(DEGRADED);
    computed.setConditions(apply(computed, List.of(
        new WantedCondition(Conditions.DEGRADED, true, VOLUME_CANNOT_GROW, String.join("; ", cannotGrow))), generation, clock));
    return computed;
  }

  /** Degraded reason: a volume past its autoGrow threshold cannot grow. */
  public static final String VOLUME_CANNOT_GROW = "VolumeCannotGrow";

  /**
   * A condition whose status is what it was before this reconcile keeps its transition time,
   * although {@link #compute} may have set it otherwise on the way.
   */
  static List<io.fabric8.kubernetes.api.model.Condition> keepTransitions(
      List<io.fabric8.kubernetes.api.model.Condition> before, List<io.fabric8.kubernetes.api.model.Condition> now) {
    if (before == null || now == null) {
      return now;
    }
    List<io.fabric8.kubernetes.api.model.Condition> kept = new ArrayList<>();
    for (var c : now) {
      var old = Conditions.find(before, c.getType()).filter(o -> Objects.equals(o.getStatus(), c.getStatus()));
      kept.add(old.isEmpty() ? c : new io.fabric8.kubernetes.api.model.ConditionBuilder(c)
          .withLastTransitionTime(old.get().getLastTransitionTime()).build());
    }
    return kept;
  }

  /** A spec the operator cannot run: say why, create nothing, and wait for the next edit. */
  public static TradingDatabaseStatus invalid(TradingDatabase db, String message, Clock clock) {
    TradingDatabaseStatus previous = db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
    TradingDatabaseStatus s = copyFacts(previous);
    Long generation = db.getMetadata().getGeneration();
    s.setObservedGeneration(generation);
    s.setPhase(FAILED);
    s.setConditions(apply(previous, List.of(
        new WantedCondition(Conditions.READY, false, "InvalidSpec", message),
        new WantedCondition(Conditions.PROGRESSING, false, "InvalidSpec", "waiting for a corrected spec"),
        new WantedCondition(Conditions.DEGRADED, true, "InvalidSpec", message)), generation, clock));
    return s;
  }

  /** The reconcile itself failed (API error, conflict); it is retried with back-off. */
  public static TradingDatabaseStatus reconcileError(TradingDatabase db, String message, Clock clock) {
    TradingDatabaseStatus previous = db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
    TradingDatabaseStatus s = copyFacts(previous);
    s.setPhase(previous.getPhase() == null ? CREATING : previous.getPhase());
    s.setConditions(apply(previous, List.of(
        new WantedCondition(Conditions.DEGRADED, true, "ReconcileError", message)),
        db.getMetadata().getGeneration(), clock));
    return s;
  }

  private record WantedCondition(String type, boolean status, String reason, String message) {}

  private static List<io.fabric8.kubernetes.api.model.Condition> apply(
      TradingDatabaseStatus previous, List<WantedCondition> updates, Long generation, Clock clock) {
    var conditions = previous.getConditions();
    for (WantedCondition u : updates) {
      conditions = Conditions.set(conditions, u.type(), u.status(), u.reason(), u.message(), generation, clock);
    }
    return conditions;
  }

  private static TradingDatabaseStatus copyFacts(TradingDatabaseStatus previous) {
    TradingDatabaseStatus s = new TradingDatabaseStatus();
    s.setObservedGeneration(previous.getObservedGeneration());
    s.setPhase(previous.getPhase());
    s.setConditions(previous.getConditions());
    s.setInstances(previous.getInstances());
    s.setReadyInstances(previous.getReadyInstances());
    s.setCurrentPrimary(previous.getCurrentPrimary());
    s.setEndpoints(previous.getEndpoints());
    s.setSuperuserSecret(previous.getSuperuserSecret());
    s.setImage(previous.getImage());
    s.setPendingChanges(previous.getPendingChanges());
    s.setHealth(previous.getHealth());
    s.setAlerting(previous.getAlerting());
    s.setHypertables(previous.getHypertables());
    s.setPendingRestart(previous.getPendingRestart());
    s.setRestart(previous.getRestart());
    s.setSwitchover(previous.getSwitchover());
    s.setPasswordRotation(previous.getPasswordRotation());
    s.setVolumes(previous.getVolumes());
    return s;
  }

  /** The first instance container that cannot start, as "container C of pod P: REASON"; null when none. */
  static String stuckContainer(Collection<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .flatMap(p -> InformerCaches.waitingContainers(p).stream()
            .map(c -> "container " + c.getName() + " of pod " + p.getMetadata().getName() + ": "
                + c.getState().getWaiting().getReason()))
        .findFirst()
        .orElse(null);
  }

  /** The running pod Patroni labelled primary; null during an election or before bootstrap. */
  public static String primaryPod(Collection<Pod> pods) {
    return pods.stream()
        .filter(p -> ClusterServices.PRIMARY.equals(
            p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(ClusterServices.ROLE_LABEL)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName())
        .sorted()
        .findFirst()
        .orElse(null);
  }

  private static boolean rolling(StatefulSet sts, int instances) {
    if (sts == null || sts.getStatus() == null) {
      return false;
    }
    var st = sts.getStatus();
    boolean generationBehind = st.getObservedGeneration() == null
        || !Objects.equals(st.getObservedGeneration(), sts.getMetadata().getGeneration());
    boolean onDelete = sts.getSpec() != null && sts.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(sts.getSpec().getUpdateStrategy().getType());
    // Under OnDelete the controller never moves currentRevision on; the count of updated pods tells.
    boolean revisionBehind = onDelete
        ? st.getUpdateRevision() != null && !Objects.equals(st.getUpdatedReplicas(), st.getReplicas())
        : st.getUpdateRevision() != null && !Objects.equals(st.getCurrentRevision(), st.getUpdateRevision());
    int replicas = st.getReplicas() == null ? 0 : st.getReplicas();
    return generationBehind || revisionBehind || replicas != instances;
  }
}
