package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeUsage;
import io.tradingdb.operator.tradingdatabase.VolumeAutoGrow.Observed;
import io.tradingdb.operator.tradingdatabase.VolumeAutoGrow.Plan;
import io.tradingdb.operator.tradingdatabase.VolumeAutoGrow.Stats;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel.AutoGrow;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The auto-grow plan: usage in, claims to grow and volumes that cannot grow out. */
class VolumeAutoGrowTest {

  static final long MI = 1024L * 1024;
  static final long GI = 1024 * MI;
  static final ClusterNames NAMES = new ClusterNames("prod", "trading");
  static final AutoGrow DATA = new AutoGrow(true, 80, 20, "2Gi", 2 * GI);
  static final AutoGrow WAL = new AutoGrow(true, 80, 20, "1200Mi", 1200 * MI);
  static final Map<String, AutoGrow> POLICIES = Map.of(ClusterNames.DATA_VOLUME, DATA, ClusterNames.WAL_VOLUME, WAL);

  static Observed claim(String name, long requested, long granted, long grownAt, Stats stats) {
    return new Observed(name, name.substring(name.indexOf("prod-")), "standard", requested, granted, grownAt, stats);
  }

  static Plan plan(Observed... claims) {
    return VolumeAutoGrow.plan(NAMES, POLICIES, List.of(claims), "standard"::equals);
  }

  @Test
  void belowTheThresholdNothingGrowsAndTheUsageIsReported() {
    Plan plan = plan(claim("pgdata-prod-0", GI, GI, -1, new Stats(1014 * MI, 700 * MI)));
    assertThat(plan.grows()).isEmpty();
    assertThat(plan.blocked()).isEmpty();
    assertThat(plan.usage()).singleElement().satisfies(u -> {
      assertThat(u.getInstance()).isEqualTo("prod-0");
      assertThat(u.getVolume()).isEqualTo("data");
      assertThat(u.getRequested()).isEqualTo("1Gi");
      assertThat(u.getCapacity()).isEqualTo("1014Mi");
      assertThat(u.getUsedPercent()).isEqualTo(69);
      assertThat(u.getState()).isEqualTo(VolumeAutoGrow.OK);
    });
  }

  @Test
  void atTheThresholdTheClaimGrowsByTheIncrementRoundedUpToAMebibyte() {
    Plan plan = plan(claim("pgdata-prod-0", GI, GI, -1, new Stats(1000 * MI, 800 * MI)));
    assertThat(plan.grows()).singleElement().satisfies(g -> {
      assertThat(g.claim()).isEqualTo("pgdata-prod-0");
      assertThat(g.newSize()).isEqualTo("1229Mi"); // 1024 Mi * 1.2 = 1228.8 Mi
      assertThat(g.usedPercent()).isEqualTo(80);
      assertThat(g.grownAtCapacity()).isEqualTo(1000 * MI);
    });
    assertThat(plan.usage().get(0).getState()).isEqualTo(VolumeAutoGrow.GROWING);
    assertThat(plan.anyGrowing()).isTrue();
  }

  @Test
  void theLastStepStopsAtTheMaximumAndThenTheVolumeIsBlocked() {
    Plan last = plan(claim("pgwal-prod-0", 1100 * MI, 1100 * MI, -1, new Stats(1090 * MI, 900 * MI)));
    assertThat(last.grows()).singleElement().extracting(VolumeAutoGrow.Grow::newSize).isEqualTo("1200Mi");

    Plan full = plan(claim("pgwal-prod-0", 1200 * MI, 1200 * MI, 1090 * MI, new Stats(1190 * MI, 1000 * MI)));
    assertThat(full.grows()).isEmpty();
    assertThat(full.blocked()).singleElement().satisfies(b -> {
      assertThat(b.reason()).isEqualTo(VolumeAutoGrow.AT_MAXIMUM);
      assertThat(b.volume()).isEqualTo("wal");
      assertThat(b.message()).isEqualTo("pgwal-prod-0 is 84% full (1000Mi of 1190Mi, threshold 80%) and cannot grow: "
          + "it is at spec.storage.wal.autoGrow.maxSize 1200Mi");
    });
    assertThat(full.usage().get(0).getState()).isEqualTo(VolumeAutoGrow.AT_MAXIMUM);
  }

  @Test
  void aStorageClassWithoutExpansionBlocksWithItsName() {
    Plan plan = VolumeAutoGrow.plan(NAMES, POLICIES,
        List.of(new Observed("pgdata-prod-1", "prod-1", "fixed", GI, GI, -1, new Stats(1000 * MI, 950 * MI))), "standard"::equals);
    assertThat(plan.grows()).isEmpty();
    assertThat(plan.blocked()).singleElement().satisfies(b -> {
      assertThat(b.reason()).isEqualTo(VolumeAutoGrow.EXPANSION_NOT_ALLOWED);
      assertThat(b.message()).endsWith("cannot grow: storage class 'fixed' does not allow volume expansion");
    });
  }

  @Test
  void aResizeInProgressOrStaleStatsNeverGrowAClaimTwice() {
    // Requested 1229Mi, the claim's status still says 1Gi: the resize has not finished.
    Plan resizing = plan(claim("pgdata-prod-0", 1229 * MI, GI, 1000 * MI, new Stats(1000 * MI, 900 * MI)));
    // Finished, but the kubelet still reports the filesystem it measured before the growth.
    Plan stale = plan(claim("pgdata-prod-0", 1229 * MI, 1229 * MI, 1000 * MI, new Stats(1000 * MI, 900 * MI)));
    // The kubelet now sees the larger filesystem: 900 of 1210 MiB is 74%, nothing to do.
    Plan fresh = plan(claim("pgdata-prod-0", 1229 * MI, 1229 * MI, 1000 * MI, new Stats(1210 * MI, 900 * MI)));
    assertThat(resizing.grows()).isEmpty();
    assertThat(stale.grows()).isEmpty();
    assertThat(resizing.usage().get(0).getState()).isEqualTo(VolumeAutoGrow.GROWING);
    assertThat(stale.usage().get(0).getState()).isEqualTo(VolumeAutoGrow.GROWING);
    assertThat(fresh.usage().get(0).getState()).isEqualTo(VolumeAutoGrow.OK);
    assertThat(fresh.usage().get(0).getUsedPercent()).isEqualTo(74);
  }

  @Test
  void volumesWithoutAutoGrowAndForeignClaimsAreLeftOutAndUnmeasuredOnesSaySo() {
    Map<String, AutoGrow> dataOnly = Map.of(ClusterNames.DATA_VOLUME, DATA, ClusterNames.WAL_VOLUME, AutoGrow.OFF);
    Plan plan = VolumeAutoGrow.plan(NAMES, dataOnly, List.of(
        claim("pgwal-prod-0", GI, GI, -1, new Stats(GI, GI)),
        claim("pgdata-prod-0", GI, GI, -1, null),
        new Observed("pgdata-other-0", "other-0", "standard", GI, GI, -1, new Stats(GI, GI))), "standard"::equals);
    assertThat(plan.grows()).isEmpty();
    assertThat(plan.blocked()).isEmpty();
    assertThat(plan.usage()).extracting(VolumeUsage::getClaim, VolumeUsage::getState)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("pgdata-prod-0", VolumeAutoGrow.UNMEASURED));
  }

  @Test
  void sizesAreExactBinaryQuantities() {
    assertThat(VolumeAutoGrow.grown(GI, 20)).isEqualTo(1229 * MI);
    assertThat(VolumeAutoGrow.grown(50 * GI, 20)).isEqualTo(60 * GI);
    assertThat(VolumeAutoGrow.size(60 * GI)).isEqualTo("60Gi");
    assertThat(VolumeAutoGrow.size(1229 * MI)).isEqualTo("1229Mi");
    assertThat(VolumeAutoGrow.size(1000)).isEqualTo("1000");
    assertThat(VolumeAutoGrow.bytes(new io.fabric8.kubernetes.api.model.Quantity("1G"))).isEqualTo(1_000_000_000L);
  }
}
