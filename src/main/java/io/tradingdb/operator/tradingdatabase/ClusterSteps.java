package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HealthStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.OptionalResources;
import io.tradingdb.operator.tradingdatabase.dependent.ClusterDependent;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import io.tradingdb.operator.tradingdatabase.monitoring.AlertRouting;
import io.tradingdb.operator.tradingdatabase.monitoring.PrometheusOperatorKinds;
import io.tradingdb.operator.tradingdatabase.status.CheckOutcome;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.tradingdatabase.status.PatroniOutcome;
import io.tradingdb.operator.tradingdatabase.status.RestoreOutcome;
import io.tradingdb.operator.tradingdatabase.workload.CertManagerCertificate;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a reconcile does after the workflow has applied the cluster's objects, each step in a class
 * of its own. None is a dependent: the generated Secrets are create-only dependents (a password is
 * never replaced), so following the data claim is a patch of their owners; the claims belong to
 * the StatefulSet controller, which creates them, so growing one is a patch of its size; the
 * repository check reads a claim the user names; the database checks, the restore and Patroni's
 * operations talk to PostgreSQL and Patroni on their own schedule (the reconcile asks to be
 * called again, {@link Result#nextCheck}), not to the API server.
 */
final class ClusterSteps {

  /** What the status reports from the steps, and when to reconcile again (null: on events only). */
  record Result(List<String> pending, String alerting, CheckOutcome checks, RestoreOutcome restore,
      boolean patroniRan, PatroniOutcome patroni, PasswordRotation.Outcome rotation, Duration nextCheck,
      VolumeAutoGrow.Plan volumes) {}

  /** How often usage is read while some volume has autoGrow; the kubelet's own period bounds what is new. */
  static final Duration AUTO_GROW_CHECK = Duration.ofSeconds(15);
  static final Duration AUTO_GROW_BUSY = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final OptionalResources optionalResources;
  private final BootstrapRestore bootstrapRestore;
  private final DatabaseChecks databaseChecks;
  private final PatroniOperations patroniOperations;
  private final PasswordRotation passwordRotation;
  private final Map<ResourceID, CheckOutcome> lastChecks = new ConcurrentHashMap<>();
  private final KubeletVolumeStats volumeStats;
  private final DatabaseMetrics metrics;
  /** The claims last reported as unable to grow, with the reason: one Warning Event per change, not per check. */
  private final Map<String, String> blockedClaims = new ConcurrentHashMap<>();

  ClusterSteps(KubernetesClient client, EventRecorder events, OptionalResources optionalResources,
      DatabaseChecks databaseChecks, PatroniOperations patroniOperations, PasswordRotation passwordRotation,
      DatabaseMetrics metrics) {
    this.client = client;
    this.volumeStats = new KubeletVolumeStats(client);
    this.metrics = metrics;
    this.events = events;
    this.optionalResources = optionalResources;
    this.bootstrapRestore = new BootstrapRestore(client);
    this.databaseChecks = databaseChecks;
    this.patroniOperations = patroniOperations;
    this.passwordRotation = passwordRotation;
  }

  /** Drops what was kept about a cluster that is gone: its last in-database checks and certificate reloads. */
  void forget(ResourceID id) {
    lastChecks.remove(id);
    if (patroniOperations != null) {
      patroniOperations.forget(id);
    }
  }

  Result run(TradingDatabase db, ClusterModel model, StatefulSet sts, List<Pod> pods,
      List<PersistentVolumeClaim> claims, Function<String, Optional<Secret>> cachedSecret) {
    String alerting = AlertRouting.statusMessage(model, optionalResources.installed(PrometheusOperatorKinds.ALERTMANAGER_CONFIG));
    List<String> pending = new ArrayList<>();
    if (model.tlsEnabled() && model.tlsSource() == ClusterModel.TlsSource.CERT_MANAGER
        && !optionalResources.installed(CertManagerCertificate.KIND)) {
      pending.add("spec.tls.certManagerIssuer is set but cert-manager is not installed: no certificate "
          + "can be requested for " + model.tlsSecret());
    }

    DataSecretOwnership.reconcile(client, db, model.names(), claims, cachedSecret);

    var existingSizes = ClusterStatefulSet.claimSizes(sts);
    if (sts != null && ClusterStatefulSet.walVolume(model, existingSizes) != model.wal().isPresent()) {
      pending.add(
          "a separate WAL volume cannot be " + (model.wal().isPresent() ? "added to" : "removed from")
              + " an existing cluster; restore a backup into a new TradingDatabase instead");
    }
    VolumeExpansion.Plan plan = VolumeExpansion.plan(model, claims, this::allowsExpansion);
    for (VolumeExpansion.Resize resize : plan.resizes()) {
      expand(db, resize);
    }
    pending.addAll(plan.pending());
    VolumeAutoGrow.Plan volumes = autoGrow(db, model);
    model.pgBackRest().filter(p -> p.storage().pvc() != null).ifPresent(p -> pending.addAll(
        PgBackRestRepositoryCheck.problems(model, client.persistentVolumeClaims()
            .inNamespace(model.names().namespace()).withName(p.storage().pvc().claimName()).get())));

    Duration nextCheck = null;
    CheckOutcome checks = null;
    // The pooler's lookup logins are set up by these checks too.
    boolean inDatabaseWork = model.pooler().enabled()
        || model.monitoring().enabled() || model.monitoring().vacuumAnalyzeSchedule() != null
        || !model.hypertables().isEmpty()
        || (db.getStatus() != null && db.getStatus().getHypertables() != null);
    if (databaseChecks != null && inDatabaseWork && ClusterStatus.primaryPod(pods) != null) {
      ResourceID id = ResourceID.fromResource(db);
      HealthStatus previousHealth = db.getStatus() == null ? null : db.getStatus().getHealth();
      Duration due = databaseChecks.untilDue(model, previousHealth);
      checks = lastChecks.get(id);
      if (due.isZero() || databaseChecks.policiesDue(db, model, checks)) {
        checks = databaseChecks.run(db, model, previousHealth);
        lastChecks.put(id, checks);
        due = databaseChecks.untilDue(model, checks.health());
      }
      nextCheck = due.isZero() ? Duration.ofSeconds(30) : due;
      if (checks.policies() != null && checks.policies().retrySoon() && nextCheck.compareTo(DatabaseChecks.POLICY_RETRY) > 0) {
        nextCheck = DatabaseChecks.POLICY_RETRY;
      }
    }

    RestoreOutcome restore = bootstrapRestore.reconcile(db, model, ClusterStatus.primaryPod(pods) != null);
    if (restore != null && !restore.done() && !restore.failed()) {
      nextCheck = nextCheck == null ? Duration.ofSeconds(15) : nextCheck;
    }
    boolean patroniRan = patroniOperations != null && (restore == null || restore.done());
    PatroniOutcome patroni = patroniRan ? patroniOperations.reconcile(db, model, sts, pods) : null;
    boolean certificatePending = patroniRan && patroniOperations.reloadCertificates(db, model, pods, cachedSecret);
    if (patroni != null && patroni.busy() || certificatePending) {
      // Patroni reloads within its loop_wait (10 s); a restart or switchover shows in the role labels.
      Duration soon = Duration.ofSeconds(5);
      nextCheck = nextCheck == null || nextCheck.compareTo(soon) > 0 ? soon : nextCheck;
    }
    PasswordRotation.Outcome rotation = patroniRan && passwordRotation != null && ClusterStatus.primaryPod(pods) != null
        ? passwordRotation.reconcile(db, model, pods, cachedSecret) : null;
    if (rotation != null && rotation.busy()) {
      Duration soon = Duration.ofSeconds(5);
      nextCheck = nextCheck == null || nextCheck.compareTo(soon) > 0 ? soon : nextCheck;
    }
    if (volumes != null) {
      Duration every = volumes.anyGrowing() ? AUTO_GROW_BUSY : AUTO_GROW_CHECK;
      nextCheck = nextCheck == null || nextCheck.compareTo(every) > 0 ? every : nextCheck;
    }
    return new Result(pending, alerting, checks, restore, patroniRan, patroni, rotation, nextCheck, volumes);
  }

  /**
   * spec.storage.*.autoGrow: read the claims (with their status, which the informer leaves out),
   * the kubelet's usage of each on its node, plan, then grow and report. Null when no volume has it.
   */
  private VolumeAutoGrow.Plan autoGrow(TradingDatabase db, ClusterModel model) {
    Map<String, ClusterModel.AutoGrow> policies = new java.util.HashMap<>();
    policies.put(ClusterNames.DATA_VOLUME, model.data().autoGrow());
    model.wal().ifPresent(w -> policies.put(ClusterNames.WAL_VOLUME, w.autoGrow()));
    if (policies.values().stream().noneMatch(ClusterModel.AutoGrow::enabled)) {
      return null;
    }
    String ns = model.names().namespace();
    Map<String, String> nodes = new java.util.HashMap<>();
    for (Pod pod : client.pods().inNamespace(ns).withLabelSelector(ClusterDependent.SELECTOR).list().getItems()) {
      if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
        nodes.put(pod.getMetadata().getName(), pod.getSpec().getNodeName());
      }
    }
    Map<String, Map<String, VolumeAutoGrow.Stats>> statsByNode = new java.util.HashMap<>();
    List<VolumeAutoGrow.Observed> observed = new ArrayList<>();
    for (PersistentVolumeClaim claim
        : client.persistentVolumeClaims().inNamespace(ns).withLabelSelector(ClusterDependent.SELECTOR).list().getItems()) {
      String name = claim.getMetadata().getName();
      String template = model.names().volumeTemplateOf(name);
      if (template == null) {
        continue;
      }
      String instance = name.substring(template.length() + 1);
      String node = nodes.get(instance);
      VolumeAutoGrow.Stats stats = node == null ? null
          : statsByNode.computeIfAbsent(node, n -> volumeStats.read(n, ns)).get(name);
      var status = claim.getStatus();
      String grownAt = claim.getMetadata().getAnnotations() == null ? null
          : claim.getMetadata().getAnnotations().get(VolumeAutoGrow.GROWN_AT_CAPACITY);
      observed.add(new VolumeAutoGrow.Observed(name, instance, claim.getSpec().getStorageClassName(),
          VolumeAutoGrow.bytes(claim.getSpec().getResources().getRequests().get("storage")),
          status == null || status.getCapacity() == null ? -1 : VolumeAutoGrow.bytes(status.getCapacity().get("storage")),
          grownAt == null || !grownAt.matches("[0-9]+") ? -1 : Long.parseLong(grownAt), stats));
    }
    VolumeAutoGrow.Plan plan = VolumeAutoGrow.plan(model.names(), policies, observed, this::allowsExpansion);
    for (VolumeAutoGrow.Grow grow : plan.grows()) {
      String patch = "{\"metadata\":{\"annotations\":{\"" + VolumeAutoGrow.GROWN_AT_CAPACITY + "\":\""
          + grow.grownAtCapacity() + "\"}},\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + grow.newSize() + "\"}}}}";
      client.persistentVolumeClaims().inNamespace(ns).withName(grow.claim()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      events.normal(db, "VolumeAutoGrow", grow.claim() + " is " + grow.usedPercent() + "% full: growing it from "
          + VolumeAutoGrow.size(grow.fromBytes()) + " to " + grow.newSize());
    }
    Map<String, String> nowBlocked = new java.util.HashMap<>();
    for (VolumeAutoGrow.Blocked b : plan.blocked()) {
      nowBlocked.put(b.claim(), b.reason());
      if (!b.reason().equals(blockedClaims.put(ns + "/" + b.claim(), b.reason()))) {
        events.warning(db, "VolumeCannotGrow", b.message());
      }
    }
    for (var usage : plan.usage()) {
      if (!nowBlocked.containsKey(usage.getClaim())) {
        blockedClaims.remove(ns + "/" + usage.getClaim());
      }
      metrics.volume(ns, model.names().cluster(), usage.getClaim(), usage.getVolume(), usage.getUsedPercent(),
          nowBlocked.containsKey(usage.getClaim()));
    }
    return plan;
  }

  private boolean allowsExpansion(String storageClass) {
    StorageClass sc = client.storage().v1().storageClasses().withName(storageClass).get();
    return sc != null && Boolean.TRUE.equals(sc.getAllowVolumeExpansion());
  }

  private void expand(TradingDatabase db, VolumeExpansion.Resize resize) {
    String patch = "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + resize.newSize() + "\"}}}}";
    client.persistentVolumeClaims()
        .inNamespace(db.getMetadata().getNamespace())
        .withName(resize.claimName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    events.normal(db, "VolumeExpanding",
        "requested " + resize.newSize() + " for volume " + resize.claimName());
  }
}
