package io.tradingdb.operator.tradingdatabase.patroni;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The follow-up of a PATCH /config. Patroni applies a new DCS configuration on each member in its
 * next loop, but a member whose PostgreSQL is not running at that moment (starting after a
 * demotion or a restart) only records the new values: it neither writes postgresql.conf nor
 * reloads, and the old value stays until the next change (Patroni 4's
 * {@code ConfigHandler.reload_config} computes changes only in state "running"). So once every
 * member has had a loop to see the change and runs again, each gets a POST /reload, which rewrites
 * postgresql.conf from what Patroni holds and signals PostgreSQL. A reload changes nothing on a
 * member that is up to date. Pure: times and members in, one step out.
 */
public final class ReloadPlan {

  /** Patroni's loop_wait (10 s) plus a margin: by then each running member has read the new DCS. */
  public static final Duration SETTLE = Duration.ofSeconds(15);

  private ReloadPlan() {}

  public sealed interface Step permits Wait, Reload {}

  public record Wait(String why) implements Step {}

  /** POST /reload on each of these members; then the parameters are in effect everywhere. */
  public record Reload(List<Member> members) implements Step {}

  /**
   * @param patchedAt when the DCS last changed (null when unknown, e.g. after an operator restart)
   * @param members every member as GET /cluster reports it
   */
  public static Step next(Instant patchedAt, Instant now, List<Member> members) {
    if (patchedAt != null && now.isBefore(patchedAt.plus(SETTLE))) {
      return new Wait("each instance reloads the new parameters within Patroni's loop");
    }
    List<String> notRunning = members.stream().filter(m -> !m.running()).map(Member::name).sorted().toList();
    if (!notRunning.isEmpty()) {
      return new Wait("waiting for " + String.join(", ", notRunning) + " to run before it reloads the new parameters");
    }
    return new Reload(members.stream().filter(m -> m.apiBase() != null).toList());
  }
}
