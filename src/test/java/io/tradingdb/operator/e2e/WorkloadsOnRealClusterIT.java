package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.RealCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the operator creates, run by the real control plane in a namespace that enforces the
 * `restricted` Pod Security Standard: every pod must be admitted, a CronJob must produce Jobs,
 * and after the operator has reconciled the samples, their spec is untouched (first generation, and
 * no manager but the applier owns a spec field): the operator never writes into a spec a GitOps tool owns.
 */
class WorkloadsOnRealClusterIT {

  static KubernetesClient client;
  static OperatorHarness operator;
  static String ns;

  @BeforeAll
  static void start() {
    client = RealCluster.client();
    RealCluster.installCrds(client);
    ns = RealCluster.createNamespace(client, "restricted", Map.of(
        "pod-security.kubernetes.io/enforce", "restricted",
        "pod-security.kubernetes.io/enforce-version", "latest"));
    operator = new OperatorHarness(RealCluster.client(), ns);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void podsOfAPooledClusterAreAdmittedUnderTheRestrictedStandard() {
    TradingDatabase db = io.tradingdb.operator.testsupport.Samples.tradingDatabase(ns, "psa");
    db.getMetadata().setUid(null);
    db.getMetadata().setGeneration(null);
    db.getSpec().setProfile(io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile.STAGING);
    client.resource(db).create();
    // Pod Security admission rejects non-compliant pods at creation: pods existing proves admission.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      assertThat(names(pods("app.kubernetes.io/instance", "psa"))).contains("psa-0", "psa-1")
          .anySatisfy(n -> assertThat(n).startsWith("psa-pooler-"));
    });
  }

  @Test
  void aCronJobProducesJobsAndABackupCanBeStartedOnDemand() {
    client.resource(new SecretBuilder().withNewMetadata().withName("external-admin").withNamespace(ns).endMetadata()
        .withStringData(Map.of("username", "postgres", "password", io.tradingdb.operator.kube.Passwords.generate()))
        .build()).create();
    BackupSchedule schedule = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        getClass().getResourceAsStream("/e2e/backupschedule-every-minute.yaml"), BackupSchedule.class);
    schedule.getMetadata().setNamespace(ns);
    client.resource(schedule).create();

    CronJob cronJob = await().atMost(RealCluster.timeout()).until(
        () -> client.batch().v1().cronjobs().inNamespace(ns).withName("every-minute").get(), c -> c != null);
    assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("* * * * *");

    // kube-controller-manager's CronJob controller starts a Job at the next minute.
    await().atMost(Duration.ofSeconds(150)).untilAsserted(() -> assertThat(
        client.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
            .filter(j -> j.getMetadata().getOwnerReferences().stream().anyMatch(o -> "CronJob".equals(o.getKind())))
            .map(j -> j.getMetadata().getName()).toList()).isNotEmpty());

    // A merge patch, as kubectl annotate sends: no resourceVersion to conflict with the operator's writes.
    client.resources(BackupSchedule.class).inNamespace(ns).withName("every-minute").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + BackupSchedule.BACKUP_NOW_ANNOTATION + "\":\"before-release\"}}}");
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      List<String> jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
          .map(j -> j.getMetadata().getName()).toList();
      assertThat(jobs).anySatisfy(j -> assertThat(j).contains("before-release"));
    });
    // The backup pods were admitted under the restricted standard too.
    await().atMost(RealCluster.timeout()).untilAsserted(() ->
        assertThat(names(pods("app.kubernetes.io/name", "backupschedule"))).isNotEmpty());
  }

  /**
   * WAL archiving and pgBackRest: the instance with its pgBackRest TLS server sidecar and the
   * backup Jobs are admitted under the restricted standard, the TLS Secret holds both
   * certificates, and the BackupSchedule gets a CronJob per backup type.
   */
  @Test
  void pgBackRestInstancesAndBackupJobsAreAdmittedUnderTheRestrictedStandard() {
    TradingDatabase db = io.tradingdb.operator.testsupport.Samples.tradingDatabase(ns, "archived");
    db.getMetadata().setUid(null);
    db.getMetadata().setGeneration(null);
    db.getSpec().setPgBackRest(io.tradingdb.operator.tradingdatabase.PgBackRestSamples.repository());
    client.resource(db).create();
    BackupSchedule schedule = new BackupSchedule();
    schedule.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("archived-pitr").withNamespace(ns)
        .withAnnotations(Map.of(BackupSchedule.BACKUP_NOW_ANNOTATION, "first")).build());
    var spec = new io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleSpec();
    spec.setTarget(io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget.tradingDatabase("archived"));
    spec.setSchedule("0 3 * * 0");
    spec.setMethod(io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod.PG_BACKREST);
    var pgBackRest = new io.tradingdb.operator.api.v1alpha1.backupschedule.PgBackRestSpec();
    pgBackRest.setDifferentialSchedule("0 3 * * 1-6");
    pgBackRest.setIncrementalSchedule("0 * * * *");
    spec.setPgBackRest(pgBackRest);
    schedule.setSpec(spec);
    client.resource(schedule).create();

    await().atMost(RealCluster.timeout()).ignoreExceptions().untilAsserted(() -> {
      Pod pod = client.pods().inNamespace(ns).withName("archived-0").get();
      assertThat(pod).isNotNull();
      assertThat(pod.getSpec().getContainers()).extracting(c -> c.getName()).contains("postgres", "pgbackrest");
      var secret = client.secrets().inNamespace(ns).withName("archived-pgbackrest-tls").get();
      assertThat(secret.getData()).containsKeys("ca.crt", "tls.crt", "tls.key", "client.crt", "client.key");
      assertThat(Stream.of("archived-pitr", "archived-pitr-diff", "archived-pitr-incr")
          .map(n -> client.batch().v1().cronjobs().inNamespace(ns).withName(n).get())).doesNotContainNull();
      assertThat(names(pods("tradingdb.io/pgbackrest-client-of", "archived")))
          .anySatisfy(n -> assertThat(n).startsWith("archived-pitr-now-first"));
    });
  }

  @Test
  void theOperatorNeverWritesIntoTheSpecOfAppliedSamples() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("samples"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      for (HasMetadata r : client.load(Files.newInputStream(file)).items()) {
        r.getMetadata().setNamespace(ns);
        client.resource(r).fieldManager("argocd-controller").serverSideApply();
      }
    }
    // Wait until the operator has written a status for every sample.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      for (Path file : files) {
        for (HasMetadata r : client.load(Files.newInputStream(file)).items()) {
          var live = client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns)
              .withName(r.getMetadata().getName()).get();
          assertThat(live.getAdditionalProperties().get("status")).as(file.toString()).isNotNull();
        }
      }
    });
    // The samples were applied once and the operator has reconciled them: the spec is still at its first
    // generation, and only the applier owns spec fields (the operator's managers own status at most).
    for (Path file : files) {
      for (HasMetadata r : client.load(Files.newInputStream(file)).items()) {
        var live = client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns)
            .withName(r.getMetadata().getName()).get();
        assertThat(live.getMetadata().getGeneration()).as(file + ": generation").isEqualTo(1L);
        assertThat(live.getMetadata().getManagedFields()).as(file + ": managedFields")
            .anySatisfy(m -> assertThat(m.getManager()).isEqualTo("argocd-controller"))
            .anySatisfy(m -> assertThat(m.getSubresource()).isEqualTo("status"));
        for (var entry : live.getMetadata().getManagedFields()) {
          if (!"argocd-controller".equals(entry.getManager())) {
            assertThat(entry.getFieldsV1().getAdditionalProperties()).as(file + ": fields of manager "
                + entry.getManager() + " (" + entry.getOperation() + " " + entry.getSubresource() + ")")
                .doesNotContainKey("f:spec");
          }
        }
      }
    }
  }

  /** Names only: a failed assertion prints these, not whole pod objects. */
  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList();
  }

  private static List<Pod> pods(String label, String value) {
    return client.pods().inNamespace(ns).withLabel(label, value).list().getItems();
  }
}
