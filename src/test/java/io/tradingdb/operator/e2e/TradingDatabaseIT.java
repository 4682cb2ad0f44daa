package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.StorageSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeDeletionPolicy;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeSpec;
import io.tradingdb.operator.HealthServer;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.testsupport.OperatorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.Samples;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TradingDatabase end to end on a real kube-apiserver: server-side apply, garbage collection by
 * kube-controller-manager, pods scheduled onto kwok's simulated nodes. Pods run no container, so
 * the test plays Patroni's one visible act: labelling the pod that holds the leader lock.
 */
class TradingDatabaseIT {

  /** Merge patches, as kubectl label/annotate send: no resourceVersion to conflict with other writers. */
  static final io.fabric8.kubernetes.client.dsl.base.PatchContext MERGE =
      io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE);

  static KubernetesClient admin;
  static KubernetesClient operatorClient;
  static RealCluster.WriteCounter operatorWrites = new RealCluster.WriteCounter();
  static OperatorHarness operator;
  static HealthServer operatorHttp;
  static OperatorMetrics metrics;
  static String ns;

  @BeforeAll
  static void start() throws java.io.IOException {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "tdb-it", Map.of());
    operatorClient = RealCluster.countingClient(operatorWrites);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator = new OperatorHarness(operatorClient, registry, ns);
    operatorHttp = new HealthServer("127.0.0.1", 0, operator.operator(), registry);
    metrics = OperatorMetrics.http(operatorHttp.port());
  }

  @AfterAll
  static void stop() {
    if (operatorHttp != null) {
      operatorHttp.close();
    }
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void reachesReadyEndToEndAndAnIdleReconcileWritesNothing() {
    TradingDatabase db = Samples.tradingDatabase(ns, "e2e");
    db.getMetadata().setUid(null);
    db.getMetadata().setGeneration(null);
    apply(db);

    for (Class<? extends HasMetadata> type : List.of(Secret.class, ConfigMap.class, Service.class,
        ServiceAccount.class, Role.class, RoleBinding.class, StatefulSet.class)) {
      await().atMost(RealCluster.timeout()).untilAsserted(() ->
          assertThat(admin.resources(type).inNamespace(ns).withLabel("app.kubernetes.io/instance", "e2e").list()
              .getItems()).as(type.getSimpleName()).isNotEmpty());
    }
    assertThat(names(Service.class, "e2e")).containsExactlyInAnyOrder("e2e-rw", "e2e-ro", "e2e-pods");
    assertThat(names(Secret.class, "e2e"))
        .contains("e2e-superuser", "e2e-replication", "e2e-tls", "e2e-ca");

    // kube-scheduler places the pod on a kwok node, kwok reports it Running and Ready.
    Pod pod = await().atMost(RealCluster.timeout()).until(
        () -> admin.pods().inNamespace(ns).withName("e2e-0").get(),
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
    assertThat(pod.getSpec().getNodeName()).isNotBlank();
    awaitStatus("e2e", s -> assertThat(s.getReadyInstances()).isEqualTo(1));
    assertThat(status("e2e").getPhase()).isIn("Creating", "Degraded");

    actAsPatroni("e2e-0", "primary");
    awaitStatus("e2e", s -> {
      assertThat(s.getPhase()).isEqualTo("Ready");
      assertThat(s.getCurrentPrimary()).isEqualTo("e2e-0");
      assertThat(Conditions.isTrue(s.getConditions(), Conditions.READY)).isTrue();
    });

    // An event that makes the operator reconcile, with nothing to change: no write request at all.
    // Settle first: the reconciles that wrote the Ready status may still be finishing.
    await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    operatorWrites.reset();
    long before = metrics.succeeded("TradingDatabase");
    assertThat(before).as("reconciles of TradingDatabases so far, from /metrics").isPositive();
    admin.services().inNamespace(ns).withName("e2e-rw").patch(MERGE, "{\"metadata\":{\"annotations\":{\"touched-by-test\":\"1\"}}}");
    await("a reconcile after the touch").atMost(RealCluster.timeout())
        .until(() -> metrics.succeeded("TradingDatabase") > before);
    assertThat(operatorWrites.writes()).as("writes during an idle reconcile").isEmpty();

    // A value the operator owns, changed by someone else, is put back, although every dependent of
    // this cluster matched at this spec generation before: a remembered match (MatchMemo) holds only
    // for the object version it was made against.
    String bootstrapSql = admin.configMaps().inNamespace(ns).withName("e2e-patroni").get()
        .getData().get(PatroniConfigMap.BOOTSTRAP_SQL_FILE);
    admin.configMaps().inNamespace(ns).withName("e2e-patroni").patch(MERGE,
        "{\"data\":{\"" + PatroniConfigMap.BOOTSTRAP_SQL_FILE + "\":\"-- edited by hand\\n\"}}");
    await("the operator restores the edited ConfigMap").atMost(RealCluster.timeout()).untilAsserted(() ->
        assertThat(admin.configMaps().inNamespace(ns).withName("e2e-patroni").get()
            .getData().get(PatroniConfigMap.BOOTSTRAP_SQL_FILE)).isEqualTo(bootstrapSql));
  }

  @Test
  void specUpdatesApplyWithoutConflictsIncludingOnesAStatefulSetCannotTake() {
    TradingDatabase db = Samples.tradingDatabase(ns, "upd");
    db.getMetadata().setUid(null);
    db.getMetadata().setGeneration(null);
    db.getSpec().setStorage(new StorageSpec());
    db.getSpec().getStorage().setData(new VolumeSpec("1Gi", null));
    apply(db);
    await().atMost(RealCluster.timeout()).until(
        () -> admin.apps().statefulSets().inNamespace(ns).withName("upd").get() != null);

    db.getSpec().setInstances(3);
    db.getSpec().setImage("timescale/timescaledb-ha:pg16.6-ts2.17.2");
    db.getSpec().getStorage().getData().setSize("2Gi");
    apply(db);

    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      StatefulSet sts = admin.apps().statefulSets().inNamespace(ns).withName("upd").get();
      assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
      assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("timescale/timescaledb-ha:pg16.6-ts2.17.2");
      // volumeClaimTemplates are immutable: they keep the size they were created with.
      assertThat(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests()
          .get("storage")).isEqualTo(new Quantity("1Gi"));
      assertThat(admin.policy().v1().podDisruptionBudget().inNamespace(ns).withName("upd").get()).isNotNull();
    });
    // ... and the claims grow instead, or the status says why they cannot.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      PersistentVolumeClaim claim = admin.persistentVolumeClaims().inNamespace(ns).withName("pgdata-upd-0").get();
      TradingDatabaseStatus s = status("upd");
      boolean grown = claim != null
          && new Quantity("2Gi").equals(claim.getSpec().getResources().getRequests().get("storage"));
      boolean explained = s.getPendingChanges() != null
          && s.getPendingChanges().stream().anyMatch(p -> p.contains("pgdata-upd-0"));
      assertThat(grown || explained).as("claim grown or pending change reported").isTrue();
      assertThat(Conditions.find(s.getConditions(), Conditions.DEGRADED).map(c -> c.getReason()).orElse(""))
          .isNotEqualTo("ReconcileError");
    });
  }

  @Test
  void deletionGarbageCollectsDependentsAndKeepsVolumesUnlessAskedOtherwise() {
    TradingDatabase kept = Samples.tradingDatabase(ns, "kept");
    kept.getMetadata().setUid(null);
    kept.getMetadata().setGeneration(null);
    TradingDatabase dropped = Samples.tradingDatabase(ns, "dropped");
    dropped.getMetadata().setUid(null);
    dropped.getMetadata().setGeneration(null);
    dropped.getSpec().setVolumeDeletionPolicy(VolumeDeletionPolicy.DELETE);
    apply(kept);
    apply(dropped);
    for (String name : List.of("kept", "dropped")) {
      await().atMost(RealCluster.timeout()).until(
          () -> admin.persistentVolumeClaims().inNamespace(ns).withName("pgdata-" + name + "-0").get() != null);
      // The generated credentials follow the data: the first claim becomes their second owner.
      await().atMost(RealCluster.timeout()).until(() -> ownedByClaim(name + "-superuser", "pgdata-" + name + "-0"));
    }

    admin.resources(TradingDatabase.class).inNamespace(ns).withName("kept").delete();
    admin.resources(TradingDatabase.class).inNamespace(ns).withName("dropped").delete();

    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      for (String name : List.of("kept", "dropped")) {
        assertThat(admin.apps().statefulSets().inNamespace(ns).withName(name).get()).isNull();
        assertThat(admin.services().inNamespace(ns).withName(name + "-rw").get()).isNull();
        assertThat(admin.configMaps().inNamespace(ns).withName(name + "-patroni").get()).isNull();
      }
      PersistentVolumeClaim gone = admin.persistentVolumeClaims().inNamespace(ns).withName("pgdata-dropped-0").get();
      assertThat(gone == null || gone.getMetadata().getDeletionTimestamp() != null).isTrue();
      // The dropped cluster's credentials go with its claim (once the claim itself is gone).
      assertThat(gone != null || admin.secrets().inNamespace(ns).withName("dropped-superuser").get() == null)
          .as("dropped-superuser deleted with its claim").isTrue();
    });
    PersistentVolumeClaim keptClaim = admin.persistentVolumeClaims().inNamespace(ns).withName("pgdata-kept-0").get();
    assertThat(keptClaim).isNotNull();
    assertThat(keptClaim.getMetadata().getDeletionTimestamp()).isNull();
    // Kept with the retained data, so a re-created cluster still logs in to it (a null check only:
    // an assertion on the Secret itself would print its data into the test report).
    assertThat(admin.secrets().inNamespace(ns).withName("kept-superuser").get() != null)
        .as("kept-superuser kept with the retained claim").isTrue();
  }

  private boolean ownedByClaim(String secret, String claim) {
    var s = admin.secrets().inNamespace(ns).withName(secret).get();
    return s != null && s.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> "PersistentVolumeClaim".equals(o.getKind()) && claim.equals(o.getName()));
  }

  @Test
  void aClusterStartedFromABackupIsReadyOnlyAfterItsRestoreJobCompleted() {
    admin.resource(io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: nightly}
        spec:
          target: {tradingDatabase: {name: e2e-source}}
          schedule: "0 3 * * *"
          storage: {pvc: {claimName: backups}}
        """, io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule.class)).inNamespace(ns).create();
    // The volume the backups live on; the restore Job mounts it.
    admin.resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata()
        .withName("backups").withNamespace(ns).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
    TradingDatabase db = Samples.tradingDatabase(ns, "from-backup");
    db.getMetadata().setUid(null);
    db.getMetadata().setGeneration(null);
    db.getSpec().setBootstrap(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec());
    var from = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec.FromBackup();
    from.setBackupSchedule("nightly");
    db.getSpec().getBootstrap().setFromBackup(from);
    apply(db);
    await().atMost(RealCluster.timeout()).until(
        () -> admin.pods().inNamespace(ns).withName("from-backup-0").get(),
        p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
    actAsPatroni("from-backup-0", "primary");
    // The restore Job's pod runs on a kwok node, which reports it completed; then the cluster is Ready.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      assertThat(admin.batch().v1().jobs().inNamespace(ns).withName("from-backup-bootstrap-restore").get()).isNotNull();
      TradingDatabaseStatus s = status("from-backup");
      assertThat(Conditions.find(s.getConditions(), ClusterStatus.RESTORED)).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getMessage()).startsWith("Restored backup latest of BackupSchedule nightly");
      });
      assertThat(s.getPhase()).isEqualTo("Ready");
    });
  }

  private static void apply(TradingDatabase db) {
    admin.resource(db).fieldManager("kubectl").forceConflicts().serverSideApply();
  }

  private static void actAsPatroni(String podName, String role) {
    admin.pods().inNamespace(ns).withName(podName).patch(MERGE, "{\"metadata\":{\"labels\":{\"role\":\"" + role + "\"}}}");
  }

  private static List<String> names(Class<? extends HasMetadata> type, String instance) {
    return admin.resources(type).inNamespace(ns).withLabel("app.kubernetes.io/instance", instance).list()
        .getItems().stream().map(o -> o.getMetadata().getName()).toList();
  }

  private static TradingDatabaseStatus status(String name) {
    TradingDatabase db = admin.resources(TradingDatabase.class).inNamespace(ns).withName(name).get();
    return db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
  }

  private static void awaitStatus(String name, Consumer<TradingDatabaseStatus> check) {
    await().atMost(RealCluster.timeout()).untilAsserted(() -> check.accept(status(name)));
  }
}
