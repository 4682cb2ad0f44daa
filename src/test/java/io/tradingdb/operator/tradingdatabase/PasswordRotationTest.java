package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RequestResult;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PasswordRotationTest {

  static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-30T20:00:00Z");

  @Test
  void theAnnotationActsOncePerValue() {
    assertThat(PasswordRotation.request("r1", null, null, CREATED, NOW)).isEqualTo("r1");
    RequestResult done = new RequestResult("r1", "Succeeded", "rotated", "2026-11-30T19:00:00Z");
    assertThat(PasswordRotation.request("r1", done, null, CREATED, NOW)).isNull();
    assertThat(PasswordRotation.request("r2", done, null, CREATED, NOW)).isEqualTo("r2");
    assertThat(PasswordRotation.request(null, done, null, CREATED, NOW)).isNull();
  }

  @Test
  void theIntervalCountsFromTheLastRotationOrTheCreation() {
    assertThat(PasswordRotation.request(null, null, Duration.ofDays(30), CREATED, NOW)).isNull();
    assertThat(PasswordRotation.request(null, null, Duration.ofDays(29), CREATED, NOW)).isEqualTo("interval");
    RequestResult recent = new RequestResult("interval", "Succeeded", "rotated", "2026-11-30T08:00:00Z");
    assertThat(PasswordRotation.request(null, recent, Duration.ofHours(12), CREATED, NOW)).isEqualTo("interval");
    assertThat(PasswordRotation.request(null, recent, Duration.ofHours(13), CREATED, NOW)).isNull();
  }

  /** An interval rotation keeps the annotation's value as its token, so that value does not act again. */
  @Test
  void anIntervalRotationDoesNotReviveAnOldAnnotation() {
    RequestResult old = new RequestResult("r1", "Succeeded", "rotated", "2026-11-01T00:00:00Z");
    assertThat(PasswordRotation.request("r1", old, Duration.ofDays(7), CREATED, NOW)).isEqualTo("r1");
    RequestResult byInterval = new RequestResult("r1", "Succeeded", "rotated", "2026-11-30T19:00:00Z");
    assertThat(PasswordRotation.request("r1", byInterval, Duration.ofDays(7), CREATED, NOW)).isNull();
  }

  @Test
  void theStepKeptInTheSecretReadsBackWithATokenOfSpaces() {
    var step = new PasswordRotation.Step("release 2026-12 a", PasswordRotation.SWAPPED, "2026-12-01T00:00:00Z");
    assertThat(PasswordRotation.Step.parse(step.toString())).isEqualTo(step);
    assertThat(PasswordRotation.Step.parse(null)).isNull();
    assertThat(PasswordRotation.Step.parse("garbled")).isNull();
  }
}
