package io.tradingdb.operator.tradingdatabase.status;

/** Where a bootstrap restore stands; {@code done} means restored, {@code failed} needs the user. */
public record RestoreOutcome(String message, boolean done, boolean failed) {
  public static RestoreOutcome running(String message) {
    return new RestoreOutcome(message, false, false);
  }

  public static RestoreOutcome failed(String message) {
    return new RestoreOutcome(message, false, true);
  }
}
