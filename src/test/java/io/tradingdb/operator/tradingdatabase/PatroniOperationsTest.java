package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RequestResult;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatroniOperationsTest {

  static Pod pod(String name, String revision, boolean deleting) {
    return new PodBuilder().withNewMetadata().withName(name).addToLabels("controller-revision-hash", revision)
        .withDeletionTimestamp(deleting ? "2026-11-30T12:00:00Z" : null).endMetadata().build();
  }

  static StatefulSet sts(String strategy, String updateRevision, int ready) {
    return new StatefulSetBuilder().withNewSpec().withNewUpdateStrategy().withType(strategy).endUpdateStrategy()
        .endSpec().withNewStatus().withUpdateRevision(updateRevision).withReadyReplicas(ready).endStatus().build();
  }

  @Test
  void podsOfAnOlderTemplateAreTheOperatorsToReplaceUnderOnDelete() {
    List<Pod> pods = List.of(pod("db-0", "r1", false), pod("db-1", "r2", false), pod("db-2", "r1", true));
    assertThat(PatroniOperations.outdatedPods(sts("OnDelete", "r2", 3), pods)).containsExactly("db-0");
    assertThat(PatroniOperations.outdatedPods(sts("RollingUpdate", "r2", 3), pods)).isEmpty();
    assertThat(PatroniOperations.outdatedPods(null, pods)).isEmpty();
  }

  @Test
  void nothingGoesDownWhileAPodIsGoingOrNotReady() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    db.getSpec().setInstances(2);
    ClusterModel model = ClusterModel.from(db);
    assertThat(PatroniOperations.unsettled(model, sts("OnDelete", "r", 2),
        List.of(pod("db-0", "r", false), pod("db-1", "r", true)))).isEqualTo("waiting for pod db-1 to be replaced");
    assertThat(PatroniOperations.unsettled(model, sts("OnDelete", "r", 1),
        List.of(pod("db-0", "r", false), pod("db-1", "r", false))))
        .isEqualTo("waiting for every instance to be ready (1/2) before the next one");
    assertThat(PatroniOperations.unsettled(model, sts("OnDelete", "r", 2),
        List.of(pod("db-0", "r", false), pod("db-1", "r", false)))).isNull();
  }

  @Test
  void aFailedStepIsRetriedForTenMinutesFromWhenTheRequestWasTakenUpThenTheRequestFails() {
    RequestResult inProgress = new RequestResult("r1", "InProgress", "db-0 still to restart", "2026-11-30T12:00:00Z");
    String failed = "failed: switching over from db-0 to db-1 (the primary restarts last, as a replica):"
        + " Switchover status unknown";

    RequestResult retried = PatroniOperations.afterFailedStep(inProgress, failed, Instant.parse("2026-11-30T12:09:59Z"));
    assertThat(retried.getResult()).isEqualTo("InProgress");
    assertThat(retried.getMessage()).isEqualTo("db-0 still to restart; retrying after " + failed);
    assertThat(retried.getTime()).as("still counted from when it was taken up").isEqualTo("2026-11-30T12:00:00Z");

    RequestResult gaveUp = PatroniOperations.afterFailedStep(inProgress, failed, Instant.parse("2026-11-30T12:10:00.400Z"));
    assertThat(gaveUp.getResult()).isEqualTo("Failed");
    assertThat(gaveUp.getMessage()).isEqualTo(failed + " (still failing 10 minutes after the request was taken up)");
    assertThat(gaveUp.getTime()).isEqualTo("2026-11-30T12:10:00Z");
  }

  @Test
  void readsPatronisPostmasterStartTime() {
    assertThat(PatroniOperations.startTime("2026-11-30 17:00:01.123456+00:00"))
        .isEqualTo(Instant.parse("2026-11-30T17:00:01.123456Z"));
  }

  @Test
  void onlyTheRequestAnnotationsWakeTheReconcilerBesideTheSpec() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    db.getMetadata().setAnnotations(java.util.Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}",
        PatroniOperations.RESTART_ANNOTATION, "r1"));
    assertThat(TradingDatabaseReconciler.requests(db)).containsExactly(java.util.Map.entry(PatroniOperations.RESTART_ANNOTATION, "r1"));
    db.getMetadata().setAnnotations(null);
    assertThat(TradingDatabaseReconciler.requests(db)).isEmpty();
  }

  /** A request that reached the requests informer before the primary cache is not lost. */
  @Test
  void aNewerRequestAnnotationWinsOverAStaleCachedCluster() {
    TradingDatabase cached = Samples.tradingDatabase("ns", "db");
    cached.getMetadata().setResourceVersion("10");
    cached.getMetadata().setAnnotations(java.util.Map.of("team", "x", PatroniOperations.RESTART_ANNOTATION, "r0"));
    TradingDatabase requests = Samples.tradingDatabase("ns", "db");
    requests.getMetadata().setResourceVersion("11");
    requests.getMetadata().setAnnotations(java.util.Map.of(PatroniOperations.RESTART_ANNOTATION, "r1"));
    TradingDatabase merged = TradingDatabaseReconciler.withLatestRequests(cached, requests);
    assertThat(merged.getMetadata().getAnnotations()).containsEntry("team", "x")
        .containsEntry(PatroniOperations.RESTART_ANNOTATION, "r1");
    assertThat(merged.getSpec()).isSameAs(cached.getSpec());
    requests.getMetadata().setResourceVersion("9");
    assertThat(TradingDatabaseReconciler.withLatestRequests(cached, requests)).isSameAs(cached);
    assertThat(TradingDatabaseReconciler.withLatestRequests(cached, null)).isSameAs(cached);
  }
}
