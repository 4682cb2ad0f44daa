package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.kube.InvalidSpecException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void oneFormatWithDaysParses() {
    assertThat(Durations.parse("720h")).isEqualTo(Duration.ofDays(30));
    assertThat(Durations.parse("24h30m")).isEqualTo(Duration.ofMinutes(24 * 60 + 30));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
    assertThatThrownBy(() -> Durations.parse("1w")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("1.5h")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFieldOutsideItsRangeNamesTheFieldAndTheBound() {
    assertThat(Durations.field("spec.x", null, Duration.ofHours(1), Duration.ofMinutes(1), null)).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.field("spec.x", "2d", null, Duration.ofHours(1), Duration.ofDays(7))).isEqualTo(Duration.ofDays(2));
    assertThatThrownBy(() -> Durations.field("spec.x", "30m", null, Duration.ofHours(1), null))
        .isInstanceOf(InvalidSpecException.class).hasMessage("spec.x must be at least 1h");
    assertThatThrownBy(() -> Durations.field("spec.x", "8d", null, Duration.ofHours(1), Duration.ofDays(7)))
        .isInstanceOf(InvalidSpecException.class).hasMessage("spec.x must be at most 7d");
    assertThat(Durations.describe(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
