package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableSpec;
import io.tradingdb.operator.postgres.TimescalePolicies;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, prints numbers: one policy round for 50 hypertables on the real TimescaleDB, first
 * (every policy created) and then with nothing to change (the every-round cost). No timing assertion.
 */
@Tag("benchmark")
class HypertablePolicyBenchmarkIT {

  static final int TABLES = 50;

  @Test
  void fiftyHypertables() throws Exception {
    String database = TestPostgres.createDatabase("tsbench");
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION timescaledb");
      List<HypertableSpec> specs = new ArrayList<>();
      for (int i = 0; i < TABLES; i++) {
        s.execute("CREATE TABLE t" + i + " (time timestamptz NOT NULL, symbol text, price double precision)");
        s.execute("SELECT create_hypertable('t" + i + "', by_range('time'))");
        HypertableSpec h = HypertablePoliciesIT.table("t" + i);
        h.getCompression().setSegmentBy(List.of("symbol"));
        specs.add(h);
      }
      var db = HypertablePoliciesIT.cluster(database, specs.toArray(HypertableSpec[]::new));
      var desired = ClusterModel.from(db).hypertables();

      long start = System.nanoTime();
      io.tradingdb.operator.tradingdatabase.status.PolicyOutcome first = HypertablePolicyRun.reconcile(c, database, desired, null);
      double firstMs = (System.nanoTime() - start) / 1e6;
      assertThat(first.reason()).isEqualTo(io.tradingdb.operator.tradingdatabase.status.PolicyOutcome.APPLIED);
      assertThat(first.executed()).isEqualTo(TABLES * 3);

      int rounds = 10;
      start = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        io.tradingdb.operator.tradingdatabase.status.PolicyOutcome again = HypertablePolicyRun.reconcile(c, database, desired, first.tables());
        assertThat(again.executed()).isZero();
      }
      double steadyMs = (System.nanoTime() - start) / 1e6 / rounds;
      start = System.nanoTime();
      var actual = TimescalePolicies.read(c);
      double readMs = (System.nanoTime() - start) / 1e6;
      assertThat(actual).hasSize(TABLES);
      System.out.printf("hypertable policy benchmark: %d hypertables, first round (%d statements) %.0f ms, "
          + "round with nothing to change %.1f ms (mean of %d), catalog read alone %.1f ms%n",
          TABLES, first.executed(), firstMs, steadyMs, rounds, readMs);
    } finally {
      TestPostgres.dropDatabase(database);
    }
  }
}
