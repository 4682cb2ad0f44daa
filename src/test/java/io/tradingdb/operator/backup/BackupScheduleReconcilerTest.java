package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod;
import io.tradingdb.operator.testsupport.OperatorMetrics;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgBackRestSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler on the fabric8 mock API server (CRUD mode, server-side apply off): it creates the
 * ConfigMap and CronJob, reads a failed Job's pod into LastBackupSucceeded, and starts on-demand
 * backups once per token.
 */
@EnableKubernetesMockClient(crud = true)
class BackupScheduleReconcilerTest {

  KubernetesClient client;
  private Operator operator;
  private PrometheusMeterRegistry registry;
  private OperatorMetrics metrics;

  @BeforeEach
  void start() throws Exception {
    for (String name : List.of("backupschedules", "tradingdatabases")) {
      try (InputStream crd = getClass().getResourceAsStream("/META-INF/fabric8/" + name + ".tradingdb.io-v1.yml")) {
        client.resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
      }
    }
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = OperatorMetrics.of(registry);
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withMetrics(MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build())
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false));
    // db.example.internal is never looked up: the test's resolver answers with an address nothing listens on.
    ExternalTargetPolicy targets = ExternalTargetPolicy.parse("db.example.internal", "169.254.0.0/16")
        .withResolver(host -> new InetAddress[] {InetAddress.getByName("198.18.0.20")});
    operator.register(new BackupScheduleReconciler(client, new BackupMetrics(registry), Clock.systemUTC(), targets));
  }

  @AfterEach
  void stop() {
    if (operator.getRuntimeInfo().isStarted()) {
      operator.stop();
    }
  }

  /**
   * Creates the schedule, then starts the operator. The mock server keeps "status": null from a
   * create and its JSON patch cannot add under a null, so an empty status is written first,
   * before the reconciler can race with it.
   */
  private void createAndStart(BackupSchedule schedule) {
    client.resource(schedule).create();
    BackupSchedule created = client.resources(BackupSchedule.class).inNamespace("trading")
        .withName(schedule.getMetadata().getName()).get();
    created.setStatus(new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus());
    client.resource(created).updateStatus();
    operator.start();
  }

  @Test
  void createsTheCronJobAndReportsAFailedBackupFromItsPod() {
    BackupSchedule schedule = BackupSchedules.external("nightly", "db.example.internal", 5432, "ai_trading");
    schedule.getMetadata().setCreationTimestamp(null);
    schedule.getMetadata().setGeneration(null);
    BackupSchedules.s3(schedule, "http://minio.storage.svc:9000", "trading-backups", null);
    createAndStart(schedule);

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(client.batch().v1().cronjobs().inNamespace("trading").withName("nightly").get()).isNotNull();
      assertThat(client.configMaps().inNamespace("trading").withName("nightly-backup-scripts").get().getData())
          .containsKeys("backup.sh", "row-counts.sql");
      BackupSchedule current = client.resources(BackupSchedule.class).inNamespace("trading").withName("nightly").get();
      assertThat(Conditions.isTrue(current.getStatus().getConditions(), Conditions.READY)).isTrue();
      assertThat(current.getStatus().getNextScheduleTime()).isNotNull();
    });

    // What the Job controller and kubelet leave behind after the script failed to log in.
    Job job = JobStates.job("nightly-29400000", "backup", "2026-11-26T03:00:00Z", "2026-11-26T03:00:09Z", false,
        "BackoffLimitExceeded");
    job.getMetadata().getLabels().putAll(BackupWorkloads.labels(
        BackupModel.from(schedule, ClusterModel.connectionTarget(schedule.getSpec().getTarget(), null)),
        "backup"));
    Pod pod = JobStates.pod("nightly-29400000", "2026-11-26T03:00:08Z", 1, "Error", BackupStatusCalculatorTest.AUTH_FAILURE);
    pod.getMetadata().getLabels().putAll(job.getMetadata().getLabels());
    client.resource(pod).create();
    client.resource(job).create();
    client.resource(job).updateStatus();

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      BackupSchedule current = client.resources(BackupSchedule.class).inNamespace("trading").withName("nightly").get();
      var condition = Conditions.find(current.getStatus().getConditions(), BackupStatusCalculator.LAST_BACKUP_SUCCEEDED);
      assertThat(condition).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("AuthenticationFailed");
      });
      assertThat(current.getStatus().getPhase()).isEqualTo("Failing");
      assertThat(client.v1().events().inNamespace("trading").list().getItems())
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BackupFailed"));
      assertThat(registry.get("tradingdb_backup_failures_total")
          .tags("tradingdatabase_namespace", "trading", "backupschedule", "nightly")
          .counter().count()).isEqualTo(1.0);
    });
  }

  @Test
  void theBackupNowAnnotationStartsOneJobPerToken() {
    BackupSchedule schedule = BackupSchedules.external("adhoc", "db.example.internal", 5432, "ai_trading");
    schedule.getMetadata().setCreationTimestamp(null);
    schedule.getMetadata().setGeneration(null);
    BackupSchedules.pvc(schedule, "backup-volume", null);
    schedule.getMetadata().setAnnotations(Map.of(BackupSchedule.BACKUP_NOW_ANNOTATION, "before-upgrade"));
    createAndStart(schedule);

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      assertThat(client.batch().v1().jobs().inNamespace("trading").withName("adhoc-now-before-upgrade").get()).isNotNull();
      BackupSchedule current = client.resources(BackupSchedule.class).inNamespace("trading").withName("adhoc").get();
      assertThat(current.getStatus().getLastOnDemandToken()).isEqualTo("before-upgrade");
    });
    // Once acted on, deleting the Job does not bring it back.
    client.batch().v1().jobs().inNamespace("trading").withName("adhoc-now-before-upgrade").delete();
    long before = metrics.succeeded("BackupSchedule");
    // A merge patch without a resourceVersion, as kubectl annotate sends: the reconciler may write
    // status at the same moment, and an update or edit carrying the old version would get a 409.
    client.resources(BackupSchedule.class).inNamespace("trading").withName("adhoc")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"touch\":\"1\"}}}");
    await("a reconcile after the update").atMost(Duration.ofSeconds(20))
        .until(() -> metrics.succeeded("BackupSchedule") > before);
    assertThat(client.batch().v1().jobs().inNamespace("trading").withName("adhoc-now-before-upgrade").get()).isNull();
  }

  /**
   * method pgBackRest: refused with a reason while the cluster archives no WAL, then one CronJob
   * per backup type, and a type whose schedule is removed loses its CronJob.
   */
  @Test
  void pgBackRestGetsACronJobPerBackupTypeOnceTheClusterArchivesWal() {
    TradingDatabase cluster = Samples.tradingDatabase("trading", "market-data");
    cluster.getSpec().setInstances(2);
    client.resource(cluster).create();
    BackupSchedule schedule = BackupSchedules.tradingDatabase("market-data-pitr", "market-data");
    schedule.getMetadata().setCreationTimestamp(null);
    schedule.getMetadata().setGeneration(null);
    schedule.getSpec().setMethod(BackupMethod.PG_BACKREST);
    PgBackRestSpec pgBackRest = new PgBackRestSpec();
    pgBackRest.setDifferentialSchedule("0 15 * * *");
    pgBackRest.setIncrementalSchedule("0 * * * *");
    schedule.getSpec().setPgBackRest(pgBackRest);
    createAndStart(schedule);

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      BackupSchedule current = client.resources(BackupSchedule.class).inNamespace("trading").withName("market-data-pitr").get();
      assertThat(Conditions.find(current.getStatus().getConditions(), Conditions.READY)).hasValueSatisfying(c -> {
        assertThat(c.getReason()).isEqualTo("InvalidSpec");
        assertThat(c.getMessage()).contains("has no spec.pgBackRest.repository");
      });
    });

    cluster = client.resources(TradingDatabase.class).inNamespace("trading").withName("market-data").get();
    cluster.getSpec().setPgBackRest(io.tradingdb.operator.tradingdatabase.PgBackRestSamples.repository());
    // Schedules watch their TradingDatabase: the cluster's change alone brings the CronJobs.
    client.resource(cluster).update();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      for (String name : List.of("market-data-pitr", "market-data-pitr-diff", "market-data-pitr-incr")) {
        assertThat(client.batch().v1().cronjobs().inNamespace("trading").withName(name).get()).as(name).isNotNull();
      }
      String conf = client.configMaps().inNamespace("trading").withName("market-data-pitr-backup-scripts").get()
          .getData().get(BackupScripts.PGBACKREST_CONF);
      assertThat(conf).contains("pg1-host=market-data-0.market-data-pods.trading.svc")
          .contains("pg2-host=market-data-1.market-data-pods.trading.svc");
      BackupSchedule current = client.resources(BackupSchedule.class).inNamespace("trading").withName("market-data-pitr").get();
      assertThat(Conditions.isTrue(current.getStatus().getConditions(), Conditions.READY)).isTrue();
      assertThat(Conditions.find(current.getStatus().getConditions(), Conditions.READY).get().getMessage())
          .contains("'0 3 * * *', '0 15 * * *', '0 * * * *'");
    });

    client.resources(BackupSchedule.class).inNamespace("trading").withName("market-data-pitr")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"pgBackRest\":{\"incrementalSchedule\":null}}}");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(client.batch().v1().cronjobs().inNamespace("trading").withName("market-data-pitr-incr").get()).isNull());
    assertThat(client.batch().v1().cronjobs().inNamespace("trading").withName("market-data-pitr-diff").get()).isNotNull();
  }

}
