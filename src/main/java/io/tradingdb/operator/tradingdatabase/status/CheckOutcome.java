package io.tradingdb.operator.tradingdatabase.status;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HealthStatus;
import io.tradingdb.operator.postgres.HealthEvaluator;

/** What one round of database checks found: the health for the status, a threshold crossed, or why it could not run. */
public record CheckOutcome(HealthStatus health, HealthEvaluator.Finding finding, String error) {}
