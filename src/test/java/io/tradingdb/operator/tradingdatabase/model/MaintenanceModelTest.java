package io.tradingdb.operator.tradingdatabase.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TimescaleSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import java.time.Duration;
import java.util.List;
import io.tradingdb.operator.kube.InvalidSpecException;
import org.junit.jupiter.api.Test;

/** The data lifecycle's defaults: the weekly VACUUM ANALYZE per profile, and the hypertable list resolved. */
class MaintenanceModelTest {

  static String vacuum(Profile profile, Boolean enabled, String schedule) {
    TradingDatabase db = Samples.tradingDatabase("trading", "m");
    db.getSpec().setProfile(profile);
    if (enabled != null || schedule != null) {
      db.getSpec().setMonitoring(new MonitoringSpec());
      db.getSpec().getMonitoring().setVacuumAnalyzeEnabled(enabled);
      db.getSpec().getMonitoring().setVacuumAnalyzeSchedule(schedule);
    }
    return ClusterModel.from(db).monitoring().vacuumAnalyzeSchedule();
  }

  @Test
  void productionAndStagingRunTheWeeklyVacuumUnlessSwitchedOffDevelopmentOnlyWhenAsked() {
    assertThat(vacuum(Profile.PRODUCTION, null, null)).isEqualTo("0 4 * * 0");
    assertThat(vacuum(Profile.STAGING, null, null)).isEqualTo("0 4 * * 0");
    assertThat(vacuum(Profile.DEVELOPMENT, null, null)).isNull();
    assertThat(vacuum(Profile.PRODUCTION, false, null)).isNull();
    assertThat(vacuum(Profile.PRODUCTION, null, "30 2 * * 6")).isEqualTo("30 2 * * 6");
    assertThat(vacuum(Profile.DEVELOPMENT, null, "@daily")).isEqualTo("@daily");
    assertThat(vacuum(Profile.DEVELOPMENT, true, null)).isEqualTo("0 4 * * 0");
  }

  @Test
  void hypertablesResolveWithDefaultsAndDuplicatesAreRefused() {
    TradingDatabase db = Samples.tradingDatabase("trading", "m");
    HypertableSpec ticks = new HypertableSpec();
    ticks.setName("ticks");
    ticks.setRetention(new HypertableSpec.Retention());
    ticks.getRetention().setDropAfter("90d");
    ticks.setCompression(new HypertableSpec.Compression());
    ticks.getCompression().setAfter("7d");
    ticks.getCompression().setEnabled(false);
    db.getSpec().setTimescaledb(new TimescaleSpec());
    db.getSpec().getTimescaledb().setHypertables(List.of(ticks));
    var resolved = ClusterModel.from(db).hypertables();
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).table().toString()).isEqualTo("public.ticks");
    assertThat(resolved.get(0).dropAfter()).contains(Duration.ofDays(90));
    assertThat(resolved.get(0).compression()).isEmpty();
    assertThat(resolved.get(0).chunkInterval()).isEmpty();

    HypertableSpec again = new HypertableSpec();
    again.setSchema("public");
    again.setName("ticks");
    db.getSpec().getTimescaledb().setHypertables(List.of(ticks, again));
    assertThatThrownBy(() -> ClusterModel.from(db)).isInstanceOf(InvalidSpecException.class)
        .hasMessage("spec.timescaledb.hypertables[1]: public.ticks is listed twice");
  }
}
