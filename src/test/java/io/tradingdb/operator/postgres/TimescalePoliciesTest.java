package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.postgres.TimescalePolicies.Actual;
import io.tradingdb.operator.postgres.TimescalePolicies.Compression;
import io.tradingdb.operator.postgres.TimescalePolicies.Hypertable;
import io.tradingdb.operator.postgres.TimescalePolicies.Job;
import io.tradingdb.operator.postgres.TimescalePolicies.OrderBy;
import io.tradingdb.operator.postgres.TimescalePolicies.Table;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The statements between declared and actual policies; the execution is in TimescalePoliciesIT. */
class TimescalePoliciesTest {

  static final Table TICKS = new Table("public", "ticks");
  static final Compression COMPRESS = new Compression(Duration.ofDays(7), List.of("symbol"), List.of(new OrderBy("time", true)));
  static final Hypertable DECLARED = new Hypertable(TICKS, Optional.of(Duration.ofDays(1)), Optional.of(Duration.ofDays(90)),
      Optional.of(COMPRESS));

  static Actual bare(Table t) {
    return new Actual(t, Duration.ofDays(7), false, List.of(), List.of(), Optional.empty(), Optional.empty());
  }

  @Test
  void aBareHypertableGetsEveryDeclaredSetting() {
    var plan = TimescalePolicies.plan(List.of(DECLARED), List.of(), Map.of(TICKS, bare(TICKS)));
    assertThat(plan.descriptions()).containsExactly(
        "SELECT set_chunk_time_interval('\"public\".\"ticks\"'::regclass, INTERVAL '1 days')",
        "ALTER TABLE \"public\".\"ticks\" SET (timescaledb.compress, timescaledb.compress_segmentby = '\"symbol\"', "
            + "timescaledb.compress_orderby = '\"time\" DESC')",
        "SELECT add_retention_policy('\"public\".\"ticks\"'::regclass, drop_after => INTERVAL '90 days')",
        "SELECT add_compression_policy('\"public\".\"ticks\"'::regclass, compress_after => INTERVAL '7 days',"
            + " initial_start => now() + INTERVAL '30 seconds')");
  }

  @Test
  void compressionWithoutRetentionStartsAtOnce() {
    Hypertable compressOnly = new Hypertable(TICKS, Optional.empty(), Optional.empty(), Optional.of(COMPRESS));
    var plan = TimescalePolicies.plan(List.of(compressOnly), List.of(), Map.of(TICKS, bare(TICKS)));
    assertThat(plan.descriptions()).last().isEqualTo(
        "SELECT add_compression_policy('\"public\".\"ticks\"'::regclass, compress_after => INTERVAL '7 days')");
  }

  @Test
  void nothingIsPlannedWhenNothingDiffers() {
    Actual same = new Actual(TICKS, Duration.ofDays(1), true, List.of("symbol"), List.of(new OrderBy("time", true)),
        Optional.of(new Job(1000, TimescalePolicies.RETENTION, Duration.ofDays(90))),
        Optional.of(new Job(1001, TimescalePolicies.COMPRESSION, Duration.ofDays(7))));
    var plan = TimescalePolicies.plan(List.of(DECLARED), List.of(), Map.of(TICKS, same));
    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.missing()).isEmpty();
  }

  @Test
  void aChangedAgeReplacesThePolicyAndADroppedPolicyIsRemoved() {
    Actual have = new Actual(TICKS, Duration.ofDays(1), true, List.of("symbol"), List.of(new OrderBy("time", true)),
        Optional.of(new Job(1000, TimescalePolicies.RETENTION, Duration.ofDays(30))),
        Optional.of(new Job(1001, TimescalePolicies.COMPRESSION, Duration.ofDays(7))));
    Hypertable noCompression = new Hypertable(TICKS, Optional.empty(), Optional.of(Duration.ofDays(90)), Optional.empty());
    var plan = TimescalePolicies.plan(List.of(noCompression), List.of(), Map.of(TICKS, have));
    assertThat(plan.descriptions()).containsExactly(
        "SELECT remove_retention_policy('\"public\".\"ticks\"'::regclass, if_exists => true)",
        "SELECT add_retention_policy('\"public\".\"ticks\"'::regclass, drop_after => INTERVAL '90 days')",
        "SELECT remove_compression_policy('\"public\".\"ticks\"'::regclass, if_exists => true)");
  }

  @Test
  void aTableNoLongerDeclaredLosesItsPoliciesAndAMissingOneIsReported() {
    Table old = new Table("market", "quotes");
    Actual have = new Actual(old, Duration.ofDays(1), true, List.of(), List.of(),
        Optional.of(new Job(1002, TimescalePolicies.RETENTION, Duration.ofDays(30))), Optional.empty());
    var plan = TimescalePolicies.plan(List.of(DECLARED), List.of(old), Map.of(old, have));
    assertThat(plan.missing()).containsExactly(TICKS);
    assertThat(plan.descriptions()).containsExactly(
        "SELECT remove_retention_policy('\"market\".\"quotes\"'::regclass, if_exists => true)");
  }

  @Test
  void hostileNamesStayInsideTheirQuotes() {
    Table hostile = new Table("we\"ird", "t'; DROP TABLE x; --");
    Hypertable h = new Hypertable(hostile, Optional.empty(), Optional.of(Duration.ofHours(36)),
        Optional.of(new Compression(Duration.ofDays(1), List.of("sym\"bol"), List.of(new OrderBy("ti'me", false)))));
    var plan = TimescalePolicies.plan(List.of(h), List.of(), Map.of(hostile, bare(hostile)));
    assertThat(plan.descriptions()).containsExactly(
        "ALTER TABLE \"we\"\"ird\".\"t'; DROP TABLE x; --\" SET (timescaledb.compress, "
            + "timescaledb.compress_segmentby = '\"sym\"\"bol\"', timescaledb.compress_orderby = '\"ti''me\" ASC')",
        "SELECT add_retention_policy('\"we\"\"ird\".\"t''; DROP TABLE x; --\"'::regclass, drop_after => INTERVAL '129600 seconds')",
        "SELECT add_compression_policy('\"we\"\"ird\".\"t''; DROP TABLE x; --\"'::regclass, compress_after => INTERVAL '1 days',"
            + " initial_start => now() + INTERVAL '30 seconds')");
  }
}
