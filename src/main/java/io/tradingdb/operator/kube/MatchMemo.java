package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * One dependent's memory of its last positive match per primary: the primary's uid and generation
 * and the secondary's resourceVersion. For a dependent whose desired object depends only on the
 * primary's spec and identity (and on the actual object itself), the same three give the same
 * answer, so a reconcile that finds them unchanged skips building the desired object and comparing
 * it. Any write to the secondary (a user's edit, another controller's) changes its resourceVersion,
 * and any spec edit changes the generation, so drift and spec changes are always compared afresh.
 *
 * <p>Entries of primaries that no longer exist go in a sweep that runs when the memo has doubled
 * since the last one.
 */
public final class MatchMemo {

  private static final int SWEEP_MIN = 256;

  private record Matched(String primaryUid, long generation, String version) {}

  private final Map<ResourceID, Matched> matched = new ConcurrentHashMap<>();
  private volatile int sweepAt = SWEEP_MIN;

  /** True when this primary, at this generation, last matched exactly this version of {@code actual}. */
  public boolean matched(HasMetadata primary, HasMetadata actual) {
    Matched last = matched.get(ResourceID.fromResource(primary));
    return last != null
        && last.generation() == generationOf(primary)
        && last.primaryUid().equals(primary.getMetadata().getUid())
        && last.version().equals(actual.getMetadata().getResourceVersion());
  }

  /**
   * Records a match's result: a positive one is remembered, a negative one forgets. Objects without
   * a uid, generation or resourceVersion are never remembered. {@code exists} tells a sweep which
   * primaries are still there.
   */
  public void record(HasMetadata primary, HasMetadata actual, boolean matches, Predicate<ResourceID> exists) {
    ResourceID id = ResourceID.fromResource(primary);
    String uid = primary.getMetadata().getUid();
    Long generation = primary.getMetadata().getGeneration();
    String version = actual.getMetadata().getResourceVersion();
    if (!matches || uid == null || generation == null || version == null) {
      matched.remove(id);
      return;
    }
    matched.put(id, new Matched(uid, generation, version));
    if (matched.size() > sweepAt) {
      sweep(exists);
    }
  }

  /** The number of primaries remembered. */
  public int size() {
    return matched.size();
  }

  private synchronized void sweep(Predicate<ResourceID> exists) {
    if (matched.size() <= sweepAt) {
      return;
    }
    matched.keySet().removeIf(Predicate.not(exists));
    sweepAt = Math.max(SWEEP_MIN, 2 * matched.size());
  }

  private static long generationOf(HasMetadata primary) {
    return Objects.requireNonNullElse(primary.getMetadata().getGeneration(), -1L);
  }
}
