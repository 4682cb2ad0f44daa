package io.tradingdb.operator.kube;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.management.NotificationEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows the operator down, and says so, when its heap is too small for the load, instead of
 * running out of memory and crash-looping. The signal is the old generation's usage right after a
 * full collection (the live data, mostly informer caches), through the JVM's collection usage
 * threshold on that pool: above {@value #HIGH_PERCENT}% of the pool's maximum, reconciles run one
 * at a time (less garbage in flight) until a later collection leaves less than {@value #LOW_PERCENT}%.
 * One per process: the JVM has one heap.
 */
public final class MemoryPressure {

  static final int HIGH_PERCENT = 85;
  static final int LOW_PERCENT = 70;
  private static final Logger LOG = LoggerFactory.getLogger(MemoryPressure.class);
  private static final long MIB = 1024 * 1024;
  private static volatile MemoryPressure process;

  private final Optional<MemoryPoolMXBean> oldGeneration;
  private final AtomicBoolean underPressure = new AtomicBoolean();
  private final ReentrantLock oneAtATime = new ReentrantLock(true);
  private final CopyOnWriteArrayList<Counter> throttled = new CopyOnWriteArrayList<>();

  MemoryPressure(Optional<MemoryPoolMXBean> oldGeneration) {
    this.oldGeneration = oldGeneration;
  }

  /** The process's instance, listening to the JVM's memory notifications from the first call on. */
  public static MemoryPressure process() {
    if (process == null) {
      synchronized (MemoryPressure.class) {
        if (process == null) {
          MemoryPressure created = new MemoryPressure(oldGenerationPool());
          created.listen();
          process = created;
        }
      }
    }
    return process;
  }

  /** The heap pool that holds long-lived objects (Tenured Gen for Serial, G1 Old Gen, PS Old Gen). */
  private static Optional<MemoryPoolMXBean> oldGenerationPool() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
        .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
        .filter(p -> p.getUsage().getMax() > 0)
        .findFirst();
  }

  private void listen() {
    oldGeneration.ifPresent(pool -> {
      pool.setCollectionUsageThreshold(pool.getUsage().getMax() * HIGH_PERCENT / 100);
      ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(
          (notification, handback) -> {
            if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(notification.getType())) {
              observe(pool.getCollectionUsage());
            }
          }, null, null);
    });
  }

  /** Publishes whether the operator is throttled, the live heap share, and how many reconciles waited. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("tradingdb_operator_memory_pressure", this, m -> m.underPressure() ? 1 : 0)
        .description("1 while the heap after a full collection is too full and reconciles run one at a time")
        .register(registry);
    Gauge.builder("tradingdb_operator_heap_live_ratio", this, MemoryPressure::liveRatio)
        .description("Old generation usage after the last full collection, as a share of its maximum")
        .register(registry);
    throttled.add(Counter.builder("tradingdb_operator_reconciles_throttled_total")
        .description("Reconciles that ran one at a time because of memory pressure")
        .register(registry));
  }

  /** Runs a reconcile: at once normally, one at a time while memory is short. */
  public <T> T throttled(Supplier<T> work) {
    if (!underPressure()) {
      return work.get();
    }
    throttled.forEach(Counter::increment);
    oneAtATime.lock();
    try {
      return work.get();
    } finally {
      oneAtATime.unlock();
    }
  }

  /** Whether reconciles are throttled; leaves that state once a full collection freed enough. */
  public boolean underPressure() {
    if (underPressure.get()) {
      oldGeneration.ifPresent(pool -> observe(pool.getCollectionUsage()));
    }
    return underPressure.get();
  }

  double liveRatio() {
    return oldGeneration.map(p -> ratio(p.getCollectionUsage())).orElse(Double.NaN);
  }

  /** Moves between normal and throttled by the usage after the latest full collection. */
  void observe(MemoryUsage afterCollection) {
    if (afterCollection == null || afterCollection.getMax() <= 0) {
      return;
    }
    double ratio = ratio(afterCollection);
    if (ratio >= HIGH_PERCENT / 100.0 && underPressure.compareAndSet(false, true)) {
      LOG.warn("memory pressure: {} MiB of the {} MiB old generation still in use after a full garbage collection; "
              + "reconciling one resource at a time until it falls below {}%. Give the operator more memory "
              + "(the chart's resources.limits.memory) for this many resources",
          afterCollection.getUsed() / MIB, afterCollection.getMax() / MIB, LOW_PERCENT);
    } else if (ratio < LOW_PERCENT / 100.0 && underPressure.compareAndSet(true, false)) {
      LOG.info("memory pressure over: {} MiB of {} MiB in use after a full garbage collection; reconciling at full speed",
          afterCollection.getUsed() / MIB, afterCollection.getMax() / MIB);
    }
  }

  private static double ratio(MemoryUsage usage) {
    return usage == null || usage.getMax() <= 0 ? Double.NaN : (double) usage.getUsed() / usage.getMax();
  }
}
