package io.tradingdb.operator.tradingdatabase.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestartPlanTest {

  static Member leader(String name, boolean pending) {
    return new Member(name, "leader", "running", "198.18.0.10", "http://198.18.0.10:8008/patroni", pending,
        pending ? List.of("shared_buffers") : List.of(), null);
  }

  static Member replica(String name, String role, String state, boolean pending, Long lag) {
    return new Member(name, role, state, "198.18.0.11", "http://198.18.0.11:8008/patroni", pending,
        pending ? List.of("shared_buffers") : List.of(), lag);
  }

  @Test
  void replicasRestartFirstOneAtATime() {
    var members = List.of(leader("db-0", true), replica("db-1", "replica", "streaming", true, 0L),
        replica("db-2", "sync_standby", "streaming", true, 0L));
    RestartPlan.Step step = RestartPlan.next(members, Set.of());
    assertThat(step).isInstanceOf(RestartPlan.Restart.class);
    assertThat(((RestartPlan.Restart) step).member().name()).isEqualTo("db-1");
    assertThat(step.describe()).isEqualTo("restarting db-1 (pending restart for shared_buffers)");
    assertThat(((RestartPlan.Restart) step).member().apiBase()).isEqualTo("http://198.18.0.11:8008");
  }

  @Test
  void neverAnotherMemberWhileOneIsDown() {
    var members = List.of(leader("db-0", true), replica("db-1", "replica", "starting", false, null),
        replica("db-2", "replica", "streaming", true, 0L));
    assertThat(RestartPlan.next(members, Set.of())).isEqualTo(
        new RestartPlan.Wait("waiting for db-1 (starting) before restarting another member"));
  }

  @Test
  void thePrimaryHandsOverToAnUpToDateReplicaFirstASynchronousOne() {
    var members = List.of(leader("db-0", true), replica("db-1", "replica", "streaming", false, 0L),
        replica("db-2", "sync_standby", "streaming", false, 100L));
    RestartPlan.Step step = RestartPlan.next(members, Set.of());
    assertThat(step).isInstanceOf(RestartPlan.Switchover.class);
    assertThat(((RestartPlan.Switchover) step).candidate().name()).isEqualTo("db-2");
    assertThat(((RestartPlan.Switchover) step).leader().name()).isEqualTo("db-0");
  }

  @Test
  void noSwitchoverToAReplicaThatIsBehind() {
    var members = List.of(leader("db-0", true), replica("db-1", "replica", "streaming", false, 64L * 1024 * 1024));
    assertThat(RestartPlan.next(members, Set.of())).isInstanceOf(RestartPlan.Wait.class);
  }

  @Test
  void aSingleInstanceRestartsInPlace() {
    RestartPlan.Step step = RestartPlan.next(List.of(leader("db-0", true)), Set.of());
    assertThat(step).isInstanceOf(RestartPlan.Restart.class);
    assertThat(step.describe()).contains("a single instance restarts in place");
  }

  @Test
  void nothingPendingIsDone() {
    var members = List.of(leader("db-0", false), replica("db-1", "replica", "streaming", false, 0L));
    assertThat(RestartPlan.next(members, Set.of())).isInstanceOf(RestartPlan.Done.class);
  }

  @Test
  void aRollingRestartTakesEveryMemberInTheSameOrder() {
    var members = List.of(leader("db-0", false), replica("db-1", "replica", "streaming", false, 0L),
        replica("db-2", "replica", "streaming", false, 0L));
    assertThat(((RestartPlan.Restart) RestartPlan.next(members, Set.of("db-0", "db-1", "db-2"))).member().name()).isEqualTo("db-1");
    assertThat(((RestartPlan.Restart) RestartPlan.next(members, Set.of("db-0", "db-2"))).member().name()).isEqualTo("db-2");
    assertThat(RestartPlan.next(members, Set.of("db-0"))).isInstanceOf(RestartPlan.Switchover.class);
    assertThat(RestartPlan.next(members, Set.of("db-0")).describe()).startsWith("switching over from db-0 to db-1");
  }

  @Test
  void switchoverToANamedReplica() {
    var members = List.of(leader("db-0", false), replica("db-1", "replica", "streaming", false, 0L),
        replica("db-2", "replica", "stopped", false, null));
    assertThat(RestartPlan.switchoverTo(members, "db-0")).isInstanceOf(RestartPlan.Done.class);
    assertThat(RestartPlan.switchoverTo(members, "db-1")).isInstanceOf(RestartPlan.Switchover.class);
    assertThat(RestartPlan.switchoverTo(members, "db-2").describe()).startsWith("db-2 is not a streaming replica");
    assertThat(RestartPlan.switchoverTo(members, "db-9").describe()).isEqualTo("db-9 is not a member of the cluster");
  }

  @Test
  void aNewTemplateReplacesReplicasThenHandsOverThenReplacesTheOldPrimary() {
    var members = List.of(leader("db-0", false), replica("db-1", "replica", "streaming", false, 0L),
        replica("db-2", "sync_standby", "streaming", false, 0L));
    Set<String> outdated = Set.of("db-0", "db-1", "db-2");
    RestartPlan.Step first = RestartPlan.next(members, Set.of(), outdated, 3);
    assertThat(first).isInstanceOf(RestartPlan.Recreate.class);
    assertThat(first.describe()).isEqualTo("replacing pod db-1 (new pod template)");
    assertThat(RestartPlan.next(members, Set.of(), Set.of("db-0"), 3)).isInstanceOf(RestartPlan.Switchover.class);
    // The replaced pod has not joined again yet: nothing else goes down.
    assertThat(RestartPlan.next(members.subList(0, 2), Set.of(), Set.of("db-0"), 3).describe())
        .isEqualTo("only 2 of 3 members report to Patroni; waiting for the others");
    var demoted = List.of(replica("db-0", "replica", "streaming", false, 0L), leader("db-2", false),
        replica("db-1", "replica", "streaming", false, 0L));
    assertThat(RestartPlan.next(demoted, Set.of(), Set.of("db-0"), 3).describe()).startsWith("replacing pod db-0");
  }

  @Test
  void aSingleInstanceIsReplacedInPlace() {
    assertThat(RestartPlan.next(List.of(leader("db-0", false)), Set.of(), Set.of("db-0"), 1).describe())
        .isEqualTo("replacing pod db-0 (new pod template; a single instance is replaced in place)");
  }
}
