package io.tradingdb.operator.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleStatus;
import io.tradingdb.operator.backup.S3TestServer;
import io.tradingdb.operator.kube.Conditions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * What the real-node backup suites share: BackupSchedule Jobs on the real node (backup-tools
 * stand-in), s3proxy on the node's bridge address, the backup-now annotation and its result.
 */
final class RealNodeBackups {

  static final String BACKUP_TOOLS = "localhost/tradingdb/backup-tools:pg17";
  /** The real node's bridge: this machine's address that pods reach (testenv/README.md, Network). */
  static final String BRIDGE = "198.18.0.1";
  /** spec.scheduling of a BackupSchedule whose Jobs run on the real node, as YAML under spec. */
  static final String SCHEDULING = """
        scheduling:
          nodeSelector: {kubernetes.io/hostname: real-node}
          tolerations: [{key: tradingdb.io/real-node, operator: Exists, effect: NoSchedule}]
      """;

  private RealNodeBackups() {}

  /** Sets the backup-now annotation and waits until the operator reports that Job finished. */
  static BackupScheduleStatus backupNow(KubernetesClient client, String ns, String schedule, String token) {
    client.resources(BackupSchedule.class).inNamespace(ns).withName(schedule).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + BackupSchedule.BACKUP_NOW_ANNOTATION + "\":\"" + token + "\"}}}");
    return await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(
        () -> client.resources(BackupSchedule.class).inNamespace(ns).withName(schedule).get().getStatus(),
        s -> s != null && s.getOnDemand() != null && token.equals(s.getOnDemand().getToken())
            && !"Running".equals(s.getOnDemand().getResult())
            && s.getRecentBackups() != null && s.getRecentBackups().stream().anyMatch(r -> r.getJob() != null
                && r.getJob().equals(s.getOnDemand().getJob())));
  }

  /** Waits until the Job is Complete or Failed (Kubernetes 1.31+ sets SuccessCriteriaMet a moment before). */
  static Job awaitFinished(KubernetesClient client, String ns, String job, Duration timeout) {
    return client.batch().v1().jobs().inNamespace(ns).withName(job).waitUntilCondition(
        j -> j != null && j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
            .anyMatch(c -> "True".equals(c.getStatus()) && List.of("Complete", "Failed").contains(c.getType())),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  static String condition(BackupScheduleStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow(() -> new AssertionError("no " + type)).getStatus();
  }

  static List<String> objects(S3TestServer s3, String bucket, String prefix) {
    return s3.blobStore().list(bucket, ListContainerOptions.Builder.prefix(prefix).recursive()).stream()
        .map(m -> m.getName()).toList();
  }

  static void secret(KubernetesClient client, String ns, String name, Map<String, String> data) {
    client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withStringData(data).build()).create();
  }

  /** The first column of the first row, as a number (the real-node backup suites' row counts). */
  static long scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The first column of the first row, as text. */
  static String text(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
