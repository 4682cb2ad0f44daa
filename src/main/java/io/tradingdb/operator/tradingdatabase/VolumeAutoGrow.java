package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.Quantity;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeUsage;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel.AutoGrow;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * spec.storage.*.autoGrow as a pure plan: the usage the kubelet measured and the claims' sizes
 * in, the claims to grow and the volumes that cannot grow out. No client in sight.
 *
 * <p>A claim grows by incrementPercent of its requested size (rounded up to a whole MiB, capped at
 * maxSize) once its filesystem is at least thresholdPercent full. It grows again only after the
 * kubelet reports a filesystem larger than the one it measured when it last grew, so stale stats
 * (the kubelet refreshes them on its own period) never grow a claim twice.
 */
public final class VolumeAutoGrow {

  /** Annotation on a claim: the filesystem capacity (bytes) the kubelet reported when the operator last grew it. */
  public static final String GROWN_AT_CAPACITY = "tradingdb.io/autogrow-from-capacity";

  public static final String OK = "Ok";
  public static final String GROWING = "Growing";
  public static final String AT_MAXIMUM = "AtMaximum";
  public static final String EXPANSION_NOT_ALLOWED = "ExpansionNotAllowed";
  public static final String UNMEASURED = "Unmeasured";

  private static final long MIB = 1024L * 1024;

  /** The kubelet's numbers for one claim's filesystem. */
  public record Stats(long capacityBytes, long usedBytes) {
    int usedPercent() {
      return capacityBytes <= 0 ? 0 : (int) (usedBytes * 100 / capacityBytes);
    }
  }

  /**
   * One claim of the cluster.
   *
   * @param grantedBytes the claim's status.capacity, or -1 when not bound yet
   * @param grownAtCapacity {@link #GROWN_AT_CAPACITY}, or -1 when the operator never grew it
   * @param stats null when the kubelet did not report this claim (simulated node, pod not running)
   */
  public record Observed(String claim, String instance, String storageClass, long requestedBytes, long grantedBytes,
      long grownAtCapacity, Stats stats) {}

  /** Patch {@code claim} to {@code newSize}, remembering the capacity it grew from. */
  public record Grow(String claim, String volume, String newSize, long fromBytes, long toBytes, int usedPercent,
      long grownAtCapacity) {}

  /** A volume that needs to grow and cannot; reason is {@link #AT_MAXIMUM} or {@link #EXPANSION_NOT_ALLOWED}. */
  public record Blocked(String claim, String volume, String reason, String message) {}

  public record Plan(List<Grow> grows, List<Blocked> blocked, List<VolumeUsage> usage) {
    public boolean anyGrowing() {
      return !grows.isEmpty() || usage.stream().anyMatch(u -> GROWING.equals(u.getState()));
    }
  }

  private VolumeAutoGrow() {}

  /**
   * @param policies autoGrow of each volume template ({@link ClusterNames#DATA_VOLUME}, {@link ClusterNames#WAL_VOLUME})
   * @param expandable whether a StorageClass (by name) has allowVolumeExpansion
   */
  public static Plan plan(ClusterNames names, Map<String, AutoGrow> policies, List<Observed> claims,
      Predicate<String> expandable) {
    List<Grow> grows = new ArrayList<>();
    List<Blocked> blocked = new ArrayList<>();
    List<VolumeUsage> usage = new ArrayList<>();
    List<Observed> sorted = new ArrayList<>(claims);
    sorted.sort(Comparator.comparing(Observed::claim));
    for (Observed c : sorted) {
      String template = names.volumeTemplateOf(c.claim());
      AutoGrow policy = template == null ? null : policies.get(template);
      if (policy == null || !policy.enabled()) {
        continue;
      }
      String volume = ClusterNames.DATA_VOLUME.equals(template) ? "data" : "wal";
      if (c.stats() == null) {
        usage.add(new VolumeUsage(c.instance(), volume, c.claim(), size(c.requestedBytes()), null, null, UNMEASURED));
        continue;
      }
      int percent = c.stats().usedPercent();
      boolean resizing = c.grantedBytes() >= 0 && c.grantedBytes() < c.requestedBytes();
      boolean staleStats = c.grownAtCapacity() >= 0 && c.stats().capacityBytes() <= c.grownAtCapacity();
      String state = OK;
      if (resizing || staleStats) {
        state = GROWING;
      } else if (percent >= policy.thresholdPercent()) {
        String full = c.claim() + " is " + percent + "% full (" + mebibytes(c.stats().usedBytes()) + " of "
            + mebibytes(c.stats().capacityBytes()) + ", threshold " + policy.thresholdPercent() + "%)";
        if (c.requestedBytes() >= policy.maxBytes()) {
          state = AT_MAXIMUM;
          blocked.add(new Blocked(c.claim(), volume, AT_MAXIMUM, full + " and cannot grow: it is at spec.storage."
              + volume + ".autoGrow.maxSize " + policy.maxSize()));
        } else if (c.storageClass() == null || !expandable.test(c.storageClass())) {
          state = EXPANSION_NOT_ALLOWED;
          blocked.add(new Blocked(c.claim(), volume, EXPANSION_NOT_ALLOWED, full + " and cannot grow: storage class "
              + (c.storageClass() == null ? "(none)" : "'" + c.storageClass() + "'") + " does not allow volume expansion"));
        } else {
          long target = grown(c.requestedBytes(), policy.incrementPercent());
          target = Math.min(target, policy.maxBytes());
          state = GROWING;
          grows.add(new Grow(c.claim(), volume, target == policy.maxBytes() ? policy.maxSize() : size(target),
              c.requestedBytes(), target, percent, c.stats().capacityBytes()));
        }
      }
      usage.add(new VolumeUsage(c.instance(), volume, c.claim(), size(c.requestedBytes()),
          mebibytes(c.stats().capacityBytes()), percent, state));
    }
    return new Plan(List.copyOf(grows), List.copyOf(blocked), List.copyOf(usage));
  }

  /** requested grown by percent, rounded up to a whole MiB. */
  static long grown(long requestedBytes, int incrementPercent) {
    long wanted = requestedBytes + (requestedBytes * incrementPercent + 99) / 100;
    return (wanted + MIB - 1) / MIB * MIB;
  }

  /** Bytes as the shortest exact binary quantity: 1Gi, 1229Mi, 1536Ki, or plain bytes. */
  static String size(long bytes) {
    String[] units = {"Pi", "Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (5 - i));
      if (bytes >= unit && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** Bytes in whole MiB, rounded down: what the status shows of the kubelet's measurements. */
  static String mebibytes(long bytes) {
    return bytes / MIB + "Mi";
  }

  static long bytes(Quantity q) {
    return q == null ? -1 : Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.CEILING)
        .min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
  }
}
