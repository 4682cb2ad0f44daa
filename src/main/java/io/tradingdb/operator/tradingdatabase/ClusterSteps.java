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
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
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
      boolean patroniRan, PatroniOutcome patroni, PasswordRotation.Outcome rotation, Duration nextCheck) {}

  private final KubernetesClient client;
  private final EventRecorder events;
  private final OptionalResources optionalResources;
  private final BootstrapRestore bootstrapRestore;
  private final DatabaseChecks databaseChecks;
  private final PatroniOperations patroniOperations;
  private final PasswordRotation passwordRotation;
  private final Map<ResourceID, CheckOutcome> lastChecks = new ConcurrentHashMap<>();

  ClusterSteps(KubernetesClient client, EventRecorder events, OptionalResources optionalResources,
      DatabaseChecks databaseChecks, PatroniOperations patroniOperations, PasswordRotation passwordRotation) {
    this.client = client;
    this.events = events;
    this.optionalResources = optionalResources;
    this.bootstrapRestore = new BootstrapRestore(client);
    this.databaseChecks = databaseChecks;
    this.patroniOperations = patroniOperations;
    this.passwordRotation = passwordRotation;
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
    model.pgBackRest().filter(p -> p.storage().pvc() != null).ifPresent(p -> pending.addAll(
        PgBackRestRepositoryCheck.problems(model, client.persistentVolumeClaims()
            .inNamespace(model.names().namespace()).withName(p.storage().pvc().claimName()).get())));

    Duration nextCheck = null;
    CheckOutcome checks = null;
    boolean inDatabaseWork = model.monitoring().enabled() || model.monitoring().vacuumAnalyzeSchedule() != null
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
    if (patroni != null && patroni.busy()) {
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
    return new Result(pending, alerting, checks, restore, patroniRan, patroni, rotation, nextCheck);
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
