package io.tradingdb.operator.tradingdatabase.status;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableStatus;
import java.util.List;

/**
 * One round of spec.timescaledb.hypertables.
 *
 * @param reason the worst state over all tables (ApplyFailed, ObjectMissing, JobFailed, Applied)
 * @param executed statements executed this round (0 when nothing differed)
 */
public record PolicyOutcome(List<HypertableStatus> tables, String reason, String message, int executed) {

  public static final String APPLIED = "Applied";
  public static final String OBJECT_MISSING = "ObjectMissing";
  public static final String APPLY_FAILED = "ApplyFailed";
  public static final String JOB_FAILED = "JobFailed";

  /** A missing table or a failed statement is tried again soon rather than at the next health interval. */
  public boolean retrySoon() {
    return OBJECT_MISSING.equals(reason) || APPLY_FAILED.equals(reason);
  }

  public boolean jobFailed() {
    return JOB_FAILED.equals(reason);
  }
}
