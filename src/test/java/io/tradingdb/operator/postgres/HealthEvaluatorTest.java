package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {

  private static final HealthEvaluator.Thresholds GUIDE = new HealthEvaluator.Thresholds(80, 0.99);
  private static final long GIB = 1024L * 1024 * 1024;

  private static HealthCheck.Result health(int connections, long sizeBytes, double ratio, long blocks) {
    return new HealthCheck.Result(connections, 100, sizeBytes, ratio, blocks, 3, 1, 12, false, 0, 0, 1000, 0, 0);
  }

  @Test
  void healthyClusterHasNoFindings() {
    assertThat(HealthEvaluator.evaluate(health(80, 10 * GIB, 0.995, 1_000_000), GUIDE)).isEmpty();
    assertThat(HealthEvaluator.summary(List.of())).isNull();
  }

  @Test
  void eachThresholdGivesItsReason() {
    var findings = HealthEvaluator.evaluate(health(81, 10 * GIB, 0.95, 1_000_000), GUIDE);
    assertThat(findings).extracting(HealthEvaluator.Finding::reason)
        .containsExactly("ConnectionsHigh", "CacheHitRatioLow");
    assertThat(findings.get(0).message()).isEqualTo("81 of 100 connections in use, above the 80% threshold");
    assertThat(findings.get(1).message()).isEqualTo("cache-hit ratio 0.9500 is below 0.99");
    HealthEvaluator.Finding summary = HealthEvaluator.summary(findings);
    assertThat(summary.reason()).isEqualTo("ConnectionsHigh");
    assertThat(summary.message()).contains("81 of 100", "0.9500");
  }

  @Test
  void aLargeDatabaseIsANotificationNotDegraded() {
    // The guide's 50 GiB is a heads-up: the alert rule notifies, the cluster stays healthy.
    assertThat(HealthEvaluator.evaluate(health(10, 60 * GIB, 0.999, 1_000_000), GUIDE)).isEmpty();
  }

  @Test
  void aFreshDatabaseIsNotDegradedByItsFirstCacheMisses() {
    assertThat(HealthEvaluator.evaluate(health(5, GIB, 0.20, HealthCheck.MIN_CACHE_BLOCKS - 1), GUIDE)).isEmpty();
  }

  @Test
  void failingWalArchivingComesFirst() {
    var failing = new HealthCheck.Result(81, 100, GIB, 0.999, 1_000_000, 0, 0, 1, true, 0, 0, 1000, 0, 0);
    assertThat(HealthEvaluator.evaluate(failing, GUIDE)).extracting(HealthEvaluator.Finding::reason)
        .containsExactly("WalArchivingFailing", "ConnectionsHigh");
  }
}
