package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** readonly-user.yaml: a generated password of 32 characters, rotated every 720h. */
class PasswordRotationTest {

  private static final DbUserModel MODEL = DbUserModel.from(DbUserFixtures.load("readonly-user.yaml"));
  private static final String CHANGED = "2026-01-01T00:00:00Z";
  private static final Instant DUE = Instant.parse(CHANGED).plus(Duration.ofHours(720));

  @Test
  void aFirstPassGeneratesAPasswordOfTheSpecsLength() {
    PasswordRotation.Choice choice = PasswordRotation.generated(MODEL, Map.of(), null, DUE, n -> "x".repeat(n));
    assertThat(choice.password()).hasSize(32);
    assertThat(choice.rotating()).isFalse();
    assertThat(choice.knownApplied()).isFalse();
  }

  @Test
  void theCurrentPasswordStaysUntilTheIntervalHasPassedThenANewOneRotatesIn() {
    Map<String, String> secret = Map.of(ConnectionSecrets.PASSWORD, "current");
    PasswordRotation.Choice before = PasswordRotation.generated(MODEL, secret, CHANGED, DUE.minusSeconds(1), n -> "new");
    assertThat(before.password()).isEqualTo("current");
    assertThat(before.knownApplied()).isTrue();
    assertThat(before.rotating()).isFalse();

    PasswordRotation.Choice at = PasswordRotation.generated(MODEL, secret, CHANGED, DUE, n -> "new");
    assertThat(at.password()).isEqualTo("new");
    assertThat(at.rotating()).isTrue();
  }

  @Test
  void aPendingPasswordFromAnInterruptedRotationIsFinishedBeforeAnyNewOne() {
    Map<String, String> secret = Map.of(ConnectionSecrets.PASSWORD, "current", ConnectionSecrets.NEXT_PASSWORD, "pending");
    PasswordRotation.Choice choice = PasswordRotation.generated(MODEL, secret, CHANGED, DUE.plusSeconds(60), n -> "new");
    assertThat(choice.password()).isEqualTo("pending");
    assertThat(choice.rotating()).isTrue();
    assertThat(choice.toString()).doesNotContain("pending");
  }

  @Test
  void anAuthorsPasswordIsKnownAppliedOnlyWhenTheConnectionSecretAlreadyHoldsIt() {
    assertThat(PasswordRotation.fromSecretRef("mine", Map.of(ConnectionSecrets.PASSWORD, "mine"), CHANGED).knownApplied())
        .isTrue();
    assertThat(PasswordRotation.fromSecretRef("mine", Map.of(ConnectionSecrets.PASSWORD, "old"), CHANGED).knownApplied())
        .isFalse();
  }

  @Test
  void aReadyDbUserIsLookedAtAgainJustAfterItsRotationIsDue() {
    Duration resync = Duration.ofMinutes(10);
    assertThat(PasswordRotation.nextCheck(MODEL, CHANGED, DUE.minusSeconds(60), resync)).isEqualTo(Duration.ofSeconds(61));
    assertThat(PasswordRotation.nextCheck(MODEL, CHANGED, DUE.minus(Duration.ofHours(1)), resync)).isEqualTo(resync);
    assertThat(PasswordRotation.nextCheck(MODEL, CHANGED, DUE.plusSeconds(5), resync)).isEqualTo(Duration.ofSeconds(1));
  }
}
