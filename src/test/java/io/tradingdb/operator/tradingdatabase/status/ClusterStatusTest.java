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
}
