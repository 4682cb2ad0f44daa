package io.tradingdb.operator.tradingdatabase.patroni;

import static io.tradingdb.operator.tradingdatabase.patroni.RestartPlanTest.leader;
import static io.tradingdb.operator.tradingdatabase.patroni.RestartPlanTest.replica;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReloadPlanTest {

  static final Instant PATCHED = Instant.parse("2026-11-30T20:00:00Z");

  @Test
  void waitsForPatronisLoopBeforeReloading() {
    var members = List.of(leader("db-0", false), replica("db-1", "replica", "streaming", false, 0L));
    assertThat(ReloadPlan.next(PATCHED, PATCHED.plusSeconds(14), members))
        .isEqualTo(new ReloadPlan.Wait("each instance reloads the new parameters within Patroni's loop"));
    assertThat(ReloadPlan.next(PATCHED, PATCHED.plus(ReloadPlan.SETTLE), members))
        .isEqualTo(new ReloadPlan.Reload(members));
  }

  /** The member demoted by a switchover was starting when the change came: it is reloaded once it streams. */
  @Test
  void aMemberThatIsNotRunningIsReloadedOnceItRuns() {
    var starting = List.of(leader("db-0", false), replica("db-1", "replica", "starting", false, null),
        replica("db-2", "sync_standby", "streaming", false, 0L));
    assertThat(ReloadPlan.next(PATCHED, PATCHED.plusSeconds(60), starting))
        .isEqualTo(new ReloadPlan.Wait("waiting for db-1 to run before it reloads the new parameters"));
    var running = List.of(leader("db-0", false), replica("db-1", "replica", "streaming", false, 0L),
        replica("db-2", "sync_standby", "streaming", false, 0L));
    assertThat(ReloadPlan.next(PATCHED, PATCHED.plusSeconds(61), running)).isEqualTo(new ReloadPlan.Reload(running));
  }

  @Test
  void anUnknownChangeTimeAfterAnOperatorRestartReloadsAtOnce() {
    var members = List.of(leader("db-0", false));
    assertThat(ReloadPlan.next(null, PATCHED, members)).isEqualTo(new ReloadPlan.Reload(members));
  }
}
