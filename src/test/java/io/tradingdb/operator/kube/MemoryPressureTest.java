package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryPressureTest {

  private static final long MAX = 100 * 1024 * 1024;

  private static MemoryUsage used(double share) {
    return new MemoryUsage(0, (long) (MAX * share), MAX, MAX);
  }

  @Test
  void entersAboveTheHighMarkAndLeavesOnlyBelowTheLowMark() {
    MemoryPressure memory = new MemoryPressure(Optional.empty());
    memory.observe(used(0.80));
    assertThat(memory.underPressure()).isFalse();
    memory.observe(used(0.90));
    assertThat(memory.underPressure()).isTrue();
    memory.observe(used(0.75));
    assertThat(memory.underPressure()).as("between the marks: no flapping").isTrue();
    memory.observe(used(0.60));
    assertThat(memory.underPressure()).isFalse();
  }

  @Test
  void underPressureReconcilesRunOneAtATimeAndAreCounted() throws Exception {
    MemoryPressure memory = new MemoryPressure(Optional.empty());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    memory.bindTo(registry);
    assertThat(maxConcurrency(memory)).as("normal").isGreaterThan(1);

    memory.observe(used(0.95));
    assertThat(registry.get("tradingdb_operator_memory_pressure").gauge().value()).isEqualTo(1);
    assertThat(maxConcurrency(memory)).as("under pressure").isEqualTo(1);
    assertThat(registry.get("tradingdb_operator_reconciles_throttled_total").counter().count()).isEqualTo(4);
  }

  /** Four reconciles that each take 100 ms, started together: how many ran at the same time. */
  private static int maxConcurrency(MemoryPressure memory) throws InterruptedException {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        memory.throttled(() -> {
          max.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return running.decrementAndGet();
        });
      });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    return max.get();
  }

  /**
   * A real JVM with a small heap: the JVM's own collection usage threshold notification, not a
   * test hook, puts it under pressure when the live data nearly fills the old generation, with a
   * WARN line; freeing the data ends it.
   */
  @Test
  void aJvmWhoseLiveDataNearlyFillsTheHeapSaysSoAndRecovers() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-Xmx48m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), FillTheHeap.class.getName())
        .redirectErrorStream(true)
        .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(output).contains("full: pressure=true gauge=1.0");
    assertThat(output).containsPattern("WARN .*memory pressure: \\d+ MiB of the \\d+ MiB old generation still in use");
    assertThat(output).contains("freed: pressure=false gauge=0.0");
    assertThat(output).contains("memory pressure over");
    assertThat(process.exitValue()).isZero();
  }

  /** Retains data up to 90% of the old generation, collects, reports; frees it, collects, reports. */
  public static final class FillTheHeap {
    public static void main(String[] args) throws Exception {
      MemoryPressure memory = MemoryPressure.process();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      memory.bindTo(registry);
      var pool = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getName().contains("Tenured")).findFirst().orElseThrow();
      long target = pool.getUsage().getMax() * 90 / 100;
      List<byte[]> retained = new ArrayList<>();
      for (long total = 0; total < target; total += 256 * 1024) {
        retained.add(new byte[256 * 1024]);
      }
      System.gc();
      for (int i = 0; i < 50 && !memory.underPressure(); i++) {
        Thread.sleep(100);
      }
      System.out.println("full: pressure=" + memory.underPressure() + " gauge="
          + registry.get("tradingdb_operator_memory_pressure").gauge().value() + " retained=" + retained.size());
      retained.clear();
      System.gc();
      System.out.println("freed: pressure=" + memory.underPressure() + " gauge="
          + registry.get("tradingdb_operator_memory_pressure").gauge().value());
    }
  }
}
