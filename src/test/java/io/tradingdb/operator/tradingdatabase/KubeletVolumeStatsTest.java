package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kubelet summary API's volumes, as a v1.34 kubelet writes them. */
class KubeletVolumeStatsTest {

  static final String SUMMARY = """
      {"node": {"nodeName": "real-node"},
       "pods": [
        {"podRef": {"name": "prod-0", "namespace": "trading"},
         "volume": [
          {"time": "2026-11-30T20:00:00Z", "availableBytes": 214446080, "capacityBytes": 1063256064,
           "usedBytes": 848809984, "inodesFree": 1048000, "inodes": 1048576, "inodesUsed": 576, "name": "pgdata",
           "pvcRef": {"name": "pgdata-prod-0", "namespace": "trading"}},
          {"time": "2026-11-30T20:00:00Z", "availableBytes": 1000, "capacityBytes": 2000, "usedBytes": 1000,
           "name": "pgwal", "pvcRef": {"name": "pgwal-prod-0", "namespace": "trading"}},
          {"time": "2026-11-30T20:00:00Z", "availableBytes": 1000, "capacityBytes": 2000, "usedBytes": 10, "name": "shm"}
         ]},
        {"podRef": {"name": "app-0", "namespace": "other"},
         "volume": [{"capacityBytes": 5, "usedBytes": 5, "name": "data", "pvcRef": {"name": "pgdata-prod-0", "namespace": "other"}}]},
        {"podRef": {"name": "starting", "namespace": "trading"}}
       ]}""";

  @Test
  void claimsOfTheNamespaceWithCapacityAndUsage() throws Exception {
    var stats = KubeletVolumeStats.parse(SUMMARY, "trading");
    assertThat(stats).containsOnlyKeys("pgdata-prod-0", "pgwal-prod-0");
    assertThat(stats.get("pgdata-prod-0")).isEqualTo(new VolumeAutoGrow.Stats(1063256064L, 848809984L));
    assertThat(stats.get("pgdata-prod-0").usedPercent()).isEqualTo(79);
  }
}
