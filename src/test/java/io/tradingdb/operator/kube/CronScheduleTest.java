package io.tradingdb.operator.kube;

import io.tradingdb.operator.kube.CronSchedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  @ParameterizedTest(name = "{0} after {1} in {2} is {3}")
  @CsvSource(delimiter = '|', value = {
      "0 3 * * *      | 2026-11-26T02:59:00Z | Etc/UTC       | 2026-11-26T03:00Z[Etc/UTC]",
      "0 3 * * *      | 2026-11-26T03:00:00Z | Etc/UTC       | 2026-11-27T03:00Z[Etc/UTC]",
      "*/15 * * * *   | 2026-11-26T10:07:00Z | Etc/UTC       | 2026-11-26T10:15Z[Etc/UTC]",
      "0 5 1 * *      | 2026-11-26T00:00:00Z | Etc/UTC       | 2026-12-01T05:00Z[Etc/UTC]",
      "30 2 * * MON-FRI | 2026-11-27T03:00:00Z | Etc/UTC     | 2026-11-30T02:30Z[Etc/UTC]",
      "@daily         | 2026-11-26T12:00:00Z | Etc/UTC       | 2026-11-27T00:00Z[Etc/UTC]",
      "0 3 * * *      | 2026-11-26T04:00:00Z | Europe/London | 2026-11-27T03:00Z[Europe/London]",
      "0 0 29 2 *     | 2026-03-01T00:00:00Z | Etc/UTC       | 2028-02-29T00:00Z[Etc/UTC]",
      "0 0 13 * 5     | 2026-11-01T00:00:00Z | Etc/UTC       | 2026-11-06T00:00Z[Etc/UTC]",
  })
  void nextRun(String cron, String after, String zone, String expected) {
    ZoneId z = ZoneId.of(zone);
    assertThat(CronSchedule.parse(cron).next(ZonedDateTime.parse(after), z)).isEqualTo(ZonedDateTime.parse(expected));
  }

  @Test
  void refusesBadExpressions() {
    assertThatThrownBy(() -> CronSchedule.parse("0 3 * *")).hasMessageContaining("five-field");
    assertThatThrownBy(() -> CronSchedule.parse("61 3 * * *")).hasMessageContaining("outside 0-59");
    assertThatThrownBy(() -> CronSchedule.parse("0 3 * JANUARY *")).hasMessageContaining("not understood");
  }
}
