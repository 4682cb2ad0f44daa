package io.tradingdb.operator.tradingdatabase.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

  static Pod pod(String name, String waitingReason) {
    return InformerCaches.podMetadata(new PodBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewContainerStatus().withName("postgres").withNewState().withNewWaiting()
        .withReason(waitingReason).endWaiting().endState().endContainerStatus().endStatus().build());
  }

  @Test
  void anInstanceThatCannotStartIsReportedWithItsContainersReason() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    TradingDatabaseStatus s = ClusterStatus.compute(db, ClusterModel.from(db),
        new ClusterStatus.Observed(null, List.of(pod("db-0", "CrashLoopBackOff")), List.of()), null, CLOCK);

    assertThat(s.getPhase()).isEqualTo(ClusterStatus.CREATING);
    assertThat(s.getConditions()).filteredOn(c -> "Ready".equals(c.getType())).singleElement().satisfies(c -> {
      assertThat(c.getReason()).isEqualTo("ContainerNotStarting");
      assertThat(c.getMessage()).isEqualTo(
          "waiting for the first instance: 0/1 ready; container postgres of pod db-0: CrashLoopBackOff");
    });
  }

  @Test
  void containersStillBeingCreatedAreProgressNotAReason() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    TradingDatabaseStatus s = ClusterStatus.compute(db, ClusterModel.from(db),
        new ClusterStatus.Observed(null, List.of(pod("db-0", "ContainerCreating")), List.of()), null, CLOCK);

    assertThat(s.getConditions()).filteredOn(c -> "Ready".equals(c.getType())).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("Creating"));
  }

  @Test
  void aNewClusterIsCreatingWhileItsReplicasComeUpAndDegradedOnlyOnceItWasReady() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    db.getSpec().setInstances(3);
    var sts = new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder().withNewMetadata().withName("db")
        .withGeneration(1L).endMetadata().withNewStatus().withReplicas(3).withReadyReplicas(1).withObservedGeneration(1L)
        .withCurrentRevision("a").withUpdateRevision("a").endStatus().build();
    Pod primary = new PodBuilder().withNewMetadata().withName("db-0").withLabels(java.util.Map.of("role", "primary"))
        .endMetadata().build();
    var observed = new ClusterStatus.Observed(sts, List.of(primary, pod("db-1", "ContainerCreating")), List.of());

    TradingDatabaseStatus creating = ClusterStatus.compute(db, ClusterModel.from(db), observed, null, CLOCK);
    assertThat(creating.getPhase()).isEqualTo(ClusterStatus.CREATING);
    assertThat(condition(creating, "Ready").getMessage()).isEqualTo("creating the cluster: 1/3 instances ready");
    assertThat(condition(creating, "Degraded").getStatus()).isEqualTo("False");

    TradingDatabaseStatus restoring = new TradingDatabaseStatus();
    restoring.setPhase(ClusterStatus.RESTORING);
    db.setStatus(restoring);
    assertThat(ClusterStatus.compute(db, ClusterModel.from(db), observed, null, CLOCK).getPhase())
        .as("instances coming up after a restore").isEqualTo(ClusterStatus.CREATING);

    db.setStatus(ready());
    TradingDatabaseStatus lost = ClusterStatus.compute(db, ClusterModel.from(db), observed, null, CLOCK);
    assertThat(lost.getPhase()).isEqualTo(ClusterStatus.DEGRADED);
    assertThat(condition(lost, "Ready").getMessage()).isEqualTo("2 of 3 instances are not ready");
  }

  static TradingDatabaseStatus ready() {
    TradingDatabaseStatus s = new TradingDatabaseStatus();
    s.setPhase(ClusterStatus.READY);
    return s;
  }

  static io.fabric8.kubernetes.api.model.Condition condition(TradingDatabaseStatus s, String type) {
    return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  @Test
  void aRefusedParameterIsDegradedWithPostgresqlsMessage() {
    TradingDatabaseStatus s = ClusterStatus.withPatroni(ready(), new PatroniOutcome(List.of(),
        "shared_buffers: invalid value for parameter \"shared_buffers\": \"banana\"", null, null, null, null, null), null, 1L, CLOCK);
    assertThat(s.getPhase()).isEqualTo(ClusterStatus.DEGRADED);
    assertThat(condition(s, "Degraded").getReason()).isEqualTo("ParameterRejected");
    assertThat(condition(s, "Degraded").getMessage()).endsWith(
        "the running configuration stays: shared_buffers: invalid value for parameter \"shared_buffers\": \"banana\"");
    assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getStatus()).isEqualTo("False");
  }

  @Test
  void instancesWaitingForARestartAreListedWithTheStep() {
    var pending = List.of(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PendingRestart("db-0", true, List.of("shared_buffers")),
        new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PendingRestart("db-1", false, List.of("shared_buffers")));
    TradingDatabaseStatus s = ClusterStatus.withPatroni(ready(),
        new PatroniOutcome(pending, null, null, "done: restarting db-1 (pending restart for shared_buffers)", null, null, null), null, 1L, CLOCK);
    assertThat(s.getPhase()).isEqualTo(ClusterStatus.READY);
    assertThat(s.getPendingRestart()).isEqualTo(pending);
    assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getReason()).isEqualTo("RestartPending");
    assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getMessage()).isEqualTo("db-0, db-1 wait for a restart "
        + "(replicas first, then a switchover, then the old primary); done: restarting db-1 (pending restart for shared_buffers)");

    TradingDatabaseStatus applied = ClusterStatus.withPatroni(s, new PatroniOutcome(List.of(), null, null, null, null, null, null), null, 1L, CLOCK);
    assertThat(applied.getPendingRestart()).isNull();
    assertThat(condition(applied, ClusterStatus.PARAMETERS_APPLIED).getStatus()).isEqualTo("True");
  }

  @Test
  void patroniUnreachableKeepsWhatWasKnown() {
    TradingDatabaseStatus before = ready();
    before.setPendingRestart(List.of(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PendingRestart("db-1", false, List.of())));
    TradingDatabaseStatus s = ClusterStatus.withPatroni(before,
        new PatroniOutcome(null, null, null, null, "Patroni's REST API: GET /config on 198.18.0.10 failed", null, null), null, 1L, CLOCK);
    assertThat(s.getPendingRestart()).hasSize(1);
    assertThat(condition(s, ClusterStatus.PARAMETERS_APPLIED).getReason()).isEqualTo("PatroniUnreachable");
    assertThat(ClusterStatus.withPatroni(before, null, null, 1L, CLOCK)).isSameAs(before);
  }

  @Test
  void aVolumeThatCannotGrowMakesAReadyClusterDegradedAndTheUsageIsListed() {
    var usage = List.of(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeUsage(
        "db-0", "wal", "pgwal-db-0", "1229Mi", "1226Mi", 82, io.tradingdb.operator.tradingdatabase.VolumeAutoGrow.AT_MAXIMUM));
    TradingDatabaseStatus s = ClusterStatus.withVolumes(ready(), usage,
        List.of("pgwal-db-0 is 82% full and cannot grow"), 1L, CLOCK);
    assertThat(s.getPhase()).isEqualTo(ClusterStatus.DEGRADED);
    assertThat(condition(s, "Degraded").getReason()).isEqualTo(ClusterStatus.VOLUME_CANNOT_GROW);
    assertThat(condition(s, "Degraded").getMessage()).isEqualTo("pgwal-db-0 is 82% full and cannot grow");
    assertThat(s.getVolumes()).isEqualTo(usage);

    TradingDatabaseStatus fine = ClusterStatus.withVolumes(ready(), usage, List.of(), 1L, CLOCK);
    assertThat(fine.getPhase()).isEqualTo(ClusterStatus.READY);
    assertThat(ClusterStatus.withVolumes(fine, null, List.of(), 1L, CLOCK).getVolumes()).as("autoGrow turned off").isNull();
  }
}
