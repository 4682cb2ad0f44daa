package io.tradingdb.operator.tradingdatabase.status;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HealthStatus;
import io.tradingdb.operator.postgres.HealthEvaluator;
import java.time.Instant;

/**
 * What one round of database checks found: the health for the status, a threshold crossed, or why it
 * could not run; {@code policies} is the round of spec.timescaledb.hypertables (null when none are
 * declared), {@code generation} the spec generation it ran for.
 */
public record CheckOutcome(
    HealthStatus health, HealthEvaluator.Finding finding, String error, PolicyOutcome policies, Long generation,
    Instant ranAt) {
  public CheckOutcome(HealthStatus health, HealthEvaluator.Finding finding, String error) {
    this(health, finding, error, null, null, null);
  }
}
