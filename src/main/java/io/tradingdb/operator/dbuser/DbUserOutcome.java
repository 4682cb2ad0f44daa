package io.tradingdb.operator.dbuser;

import java.time.Duration;
import java.util.List;

/** The result of one pass, before it becomes status. {@code reason} null means Ready. */
record DbUserOutcome(
    String reason, String message, Duration requeue, String passwordChangedAt, List<String> appliedPrivileges,
    boolean secretWritten) {

  static DbUserOutcome degraded(String reason, String message, Duration requeue) {
    return new DbUserOutcome(reason, message, requeue, null, null, false);
  }
}
