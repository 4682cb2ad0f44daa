package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A BackupSchedule's Jobs and pods change all day; its ConfigMap and CronJobs change only with its
 * spec. On a real kube-apiserver: a backup Job runs to completion, the operator reports it in the
 * status (so it saw the Job's events), and it wrote nothing to the ConfigMap or the CronJobs.
 */
class BackupScheduleWritesIT {

  static KubernetesClient admin;
  static final RealCluster.WriteCounter operatorWrites = new RealCluster.WriteCounter();
  static OperatorHarness operator;
  static String ns;

  @BeforeAll
  static void start() {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "bs-writes", Map.of());
    operator = new OperatorHarness(RealCluster.countingClient(operatorWrites), ns);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aBackupJobRunningToCompletionWritesNothingToTheConfigMapOrTheCronJobs() {
    admin.resource(new SecretBuilder().withNewMetadata().withName("external-admin").withNamespace(ns).endMetadata()
        .withStringData(Map.of("username", "postgres", "password", Passwords.generate())).build()).create();
    admin.resource(new SecretBuilder().withNewMetadata().withName("s3-credentials").withNamespace(ns).endMetadata()
        .withStringData(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", Passwords.generate()))
        .build()).create();
    BackupSchedule schedule = Serialization.unmarshal(
        getClass().getResourceAsStream("/e2e/backupschedule-nightly-s3.yaml"), BackupSchedule.class);
    schedule.getMetadata().setNamespace(ns);
    admin.resource(schedule).create();

    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      assertThat(admin.configMaps().inNamespace(ns).withName("nightly-backup-scripts").get()).isNotNull();
      assertThat(cronJobNames()).containsExactlyInAnyOrder("nightly", "nightly-verify");
      assertThat(status()).isNotNull();
      assertThat(status().getRecentBackups()).isNull();
    });
    Map<String, String> versionsBefore = versions();

    operatorWrites.reset();
    admin.resources(BackupSchedule.class).inNamespace(ns).withName("nightly").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + BackupSchedule.BACKUP_NOW_ANNOTATION + "\":\"before-release\"}}}");

    // kube-controller-manager runs the Job's pod on a kwok node, kwok marks it Succeeded, the Job completes.
    Job job = await().atMost(Duration.ofSeconds(120)).until(
        () -> admin.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
            .filter(j -> j.getMetadata().getName().contains("before-release")).findFirst().orElse(null),
        j -> j != null && j.getStatus() != null && j.getStatus().getConditions() != null
            && j.getStatus().getConditions().stream().anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus())));
    // The finished Job in the status: the operator reconciled on the Job's (and pod's) events.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> assertThat(status().getRecentBackups())
        .as("the finished Job in status.recentBackups").isNotEmpty());

    List<String> writes = operatorWrites.writes();
    assertThat(writes).as("the operator's writes, which the counter does see")
        .anyMatch(w -> w.startsWith("POST ") && w.endsWith("/jobs"))
        .anyMatch(w -> w.contains("/backupschedules/nightly/status"));
    assertThat(writes).as("writes to the ConfigMap or the CronJobs while the Job ran and finished")
        .noneMatch(w -> w.contains("/configmaps") || w.contains("/cronjobs"));
    assertThat(versions()).as("resourceVersions of the ConfigMap and CronJobs").isEqualTo(versionsBefore);
    assertThat(job.getMetadata().getOwnerReferences()).anyMatch(o -> "BackupSchedule".equals(o.getKind()));
  }

  private static BackupScheduleStatus status() {
    return admin.resources(BackupSchedule.class).inNamespace(ns).withName("nightly").get().getStatus();
  }

  private static List<String> cronJobNames() {
    return admin.batch().v1().cronjobs().inNamespace(ns).list().getItems().stream()
        .map(c -> c.getMetadata().getName()).toList();
  }

  private static Map<String, String> versions() {
    Map<String, String> versions = new TreeMap<>();
    ConfigMap scripts = admin.configMaps().inNamespace(ns).withName("nightly-backup-scripts").get();
    versions.put("configmap/" + scripts.getMetadata().getName(), scripts.getMetadata().getResourceVersion());
    for (CronJob cronJob : admin.batch().v1().cronjobs().inNamespace(ns).list().getItems()) {
      versions.put("cronjob/" + cronJob.getMetadata().getName(), version(cronJob));
    }
    return versions;
  }

  private static String version(HasMetadata object) {
    return object.getMetadata().getResourceVersion();
  }
}
