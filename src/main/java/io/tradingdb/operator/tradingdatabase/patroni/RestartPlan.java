package io.tradingdb.operator.tradingdatabase.patroni;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The next step of a rolling restart, from the members as Patroni reports them: replicas first,
 * one at a time and only while every other member runs; then a switchover to an up-to-date
 * replica; the old primary restarts as a replica when it is demoted. A single instance restarts in
 * place. Pure: members in, one step out; the caller runs it and asks again.
 */
public final class RestartPlan {

  /** A switchover candidate may be at most this far behind (bytes of WAL not yet replayed). */
  public static final long MAX_CANDIDATE_LAG = 1024 * 1024;

  private RestartPlan() {}

  /** One step; {@link Done} when nothing waits for a restart. */
  public sealed interface Step permits Restart, Recreate, Switchover, Wait, Done {
    String describe();
  }

  public record Restart(Member member, String why) implements Step {
    @Override
    public String describe() {
      return "restarting " + member.name() + " (" + why + ")";
    }
  }

  /** The member's pod is replaced (evicted; the StatefulSet creates it from the new template). */
  public record Recreate(Member member, String why) implements Step {
    @Override
    public String describe() {
      return "replacing pod " + member.name() + " (" + why + ")";
    }
  }

  public record Switchover(Member leader, Member candidate, String why) implements Step {
    @Override
    public String describe() {
      return "switching over from " + leader.name() + " to " + candidate.name() + " (" + why + ")";
    }
  }

  public record Wait(String why) implements Step {
    @Override
    public String describe() {
      return why;
    }
  }

  public record Done() implements Step {
    @Override
    public String describe() {
      return "nothing waits for a restart";
    }
  }

  /**
   * @param members GET /cluster
   * @param alsoRestart members to restart although PostgreSQL does not ask for it (a rolling
   *     restart the user asked for)
   */
  public static Step next(List<Member> members, Set<String> alsoRestart) {
    return next(members, alsoRestart, Set.of(), members.size());
  }

  /**
   * @param members GET /cluster
   * @param alsoRestart members to restart although PostgreSQL does not ask for it
   * @param recreate members whose pod runs an older template: replaced rather than restarted
   * @param expected how many members the cluster has (spec.instances): while fewer report, nothing
   *     else is taken down
   */
  public static Step next(List<Member> members, Set<String> alsoRestart, Set<String> recreate, int expected) {
    List<Member> waiting = members.stream()
        .filter(m -> m.pendingRestart() || alsoRestart.contains(m.name()) || recreate.contains(m.name())).toList();
    if (waiting.isEmpty()) {
      return new Done();
    }
    if (members.stream().noneMatch(Member::leader)) {
      return new Wait("no member leads the cluster");
    }
    Optional<Member> down = members.stream().filter(m -> !m.running()).min(Comparator.comparing(Member::name));
    if (down.isPresent()) {
      return new Wait("waiting for " + down.get().name() + " (" + down.get().state() + ") before restarting another member");
    }
    if (members.size() < expected) {
      return new Wait("only " + members.size() + " of " + expected + " members report to Patroni; waiting for the others");
    }
    Optional<Member> replica = waiting.stream().filter(m -> !m.leader()).min(Comparator.comparing(Member::name));
    if (replica.isPresent()) {
      return recreate.contains(replica.get().name())
          ? new Recreate(replica.get(), "new pod template")
          : new Restart(replica.get(), why(replica.get()));
    }
    Member leader = waiting.get(0);
    List<Member> replicas = members.stream().filter(m -> !m.leader()).toList();
    if (replicas.isEmpty()) {
      return recreate.contains(leader.name())
          ? new Recreate(leader, "new pod template; a single instance is replaced in place")
          : new Restart(leader, why(leader) + "; a single instance restarts in place");
    }
    return candidate(replicas)
        .<Step>map(c -> new Switchover(leader, c, "the primary restarts last, as a replica"))
        .orElseGet(() -> new Wait("no replica is streaming within " + MAX_CANDIDATE_LAG
            + " bytes of the primary to take over before " + leader.name() + " restarts"));
  }

  /**
   * The switchover the tradingdb.io/switchover-to annotation asks for, or {@link Done} when the
   * target already leads.
   */
  public static Step switchoverTo(List<Member> members, String target) {
    Optional<Member> leader = members.stream().filter(Member::leader).findFirst();
    if (leader.isEmpty()) {
      return new Wait("no member leads the cluster");
    }
    if (leader.get().name().equals(target)) {
      return new Done();
    }
    Optional<Member> candidate = members.stream().filter(m -> m.name().equals(target)).findFirst();
    if (candidate.isEmpty()) {
      return new Wait(target + " is not a member of the cluster");
    }
    if (!candidate.get().streaming() || candidate.get().lagBytes() == null
        || candidate.get().lagBytes() > MAX_CANDIDATE_LAG) {
      return new Wait(target + " is not a streaming replica within " + MAX_CANDIDATE_LAG + " bytes of the primary");
    }
    return new Switchover(leader.get(), candidate.get(), "asked by the tradingdb.io/switchover-to annotation");
  }

  /** The streaming replica closest to the primary: a synchronous standby first, then the least lag. */
  static Optional<Member> candidate(List<Member> replicas) {
    return replicas.stream()
        .filter(Member::streaming)
        .filter(m -> m.lagBytes() != null && m.lagBytes() <= MAX_CANDIDATE_LAG)
        .min(Comparator.comparing((Member m) -> !"sync_standby".equals(m.role()))
            .thenComparing(Member::lagBytes).thenComparing(Member::name));
  }

  private static String why(Member m) {
    if (!m.pendingRestart()) {
      return "rolling restart";
    }
    return m.pendingParameters().isEmpty() ? "PostgreSQL needs a restart to apply a parameter"
        : "pending restart for " + String.join(", ", m.pendingParameters());
  }
}
