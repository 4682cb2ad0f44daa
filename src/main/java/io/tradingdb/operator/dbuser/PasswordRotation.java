package io.tradingdb.operator.dbuser;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The password-rotation step, pure: from what the connection Secret holds and when the password
 * last changed, which password this pass applies, and when the next pass is due.
 */
final class PasswordRotation {

  private PasswordRotation() {}

  /**
   * The password for this pass.
   *
   * @param knownApplied the role already has it (no ALTER ROLE needed unless the catalog says otherwise)
   * @param rotating a new password replaces one in use: it is written to the Secret before ALTER ROLE
   */
  record Choice(String password, boolean knownApplied, boolean rotating, String changedAt) {
    @Override
    public String toString() {
      return "Choice[rotating=" + rotating + "]";
    }
  }

  /** A password the author keeps in their own Secret (spec.password.secretRef). */
  static Choice fromSecretRef(String value, Map<String, String> secretData, String changedAt) {
    return new Choice(value, value.equals(secretData.get(ConnectionSecrets.PASSWORD)), false, changedAt);
  }

  /**
   * A generated password: a pending one first (a rotation interrupted after the Secret was
   * written), then a fresh one when there is none or the rotation interval has passed.
   */
  static Choice generated(
      DbUserModel model, Map<String, String> secretData, String changedAt, Instant now, IntFunction<String> generate) {
    String current = secretData.get(ConnectionSecrets.PASSWORD);
    String next = secretData.get(ConnectionSecrets.NEXT_PASSWORD);
    if (next != null) {
      return new Choice(next, false, true, changedAt);
    }
    if (current == null) {
      return new Choice(generate.apply(model.passwordLength()), false, false, changedAt);
    }
    if (model.rotationInterval() != null && changedAt != null
        && !now.isBefore(Instant.parse(changedAt).plus(model.rotationInterval()))) {
      return new Choice(generate.apply(model.passwordLength()), false, true, changedAt);
    }
    return new Choice(current, true, false, changedAt);
  }

  /** When a Ready DbUser is looked at again: the resync interval, or just after the next rotation is due. */
  static Duration nextCheck(DbUserModel model, String changedAt, Instant now, Duration resync) {
    Duration requeue = resync;
    if (model.rotationInterval() != null && changedAt != null) {
      Duration untilRotation = Duration.between(now, Instant.parse(changedAt).plus(model.rotationInterval()));
      if (untilRotation.compareTo(requeue) < 0) {
        requeue = untilRotation.isNegative() ? Duration.ofSeconds(1) : untilRotation.plusSeconds(1);
      }
    }
    return requeue;
  }
}
