package io.tradingdb.operator.backup;

import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small trading database: a tick table partitioned by month (declarative partitioning stands in
 * for a TimescaleDB hypertable, which Debian does not package), plain tables, and names that need
 * quoting.
 */
final class TradingDataset {

  /** Top-level tables, as the row-count query names them. */
  static final List<String> TABLES =
      List.of("Trading Desk.Orders", "public.instruments", "public.market_ticks", "public.odd\"name");

  private TradingDataset() {}

  static void create(String database, int ticks) throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE instruments (id int PRIMARY KEY, symbol text UNIQUE NOT NULL, name text)");
      s.execute("INSERT INTO instruments SELECT g, 'SYM' || g, 'Instrument ' || g FROM generate_series(1, 50) g");
      s.execute("CREATE TABLE market_ticks (ts timestamptz NOT NULL, instrument_id int NOT NULL "
          + "REFERENCES instruments(id), price numeric(18,6) NOT NULL, volume bigint NOT NULL) "
          + "PARTITION BY RANGE (ts)");
      for (int month = 1; month <= 4; month++) {
        String partition = "market_ticks_2026_0" + month;
        s.execute("CREATE TABLE " + SqlQuote.identifier(partition) + " PARTITION OF market_ticks FOR VALUES FROM ("
            + SqlQuote.literal("2026-0" + month + "-01") + ") TO (" + SqlQuote.literal("2026-0" + (month + 1) + "-01") + ")");
      }
      s.execute("CREATE INDEX market_ticks_instrument_ts ON market_ticks (instrument_id, ts DESC)");
      s.execute("INSERT INTO market_ticks SELECT timestamptz '2026-01-01' + (g * interval '1 minute') * (172800.0 / "
          + ticks + "), 1 + g % 50, round((100 + sin(g) * 10)::numeric, 6), g % 1000 FROM generate_series(0, " + (ticks - 1) + ") g");
      s.execute("CREATE SCHEMA " + SqlQuote.identifier("Trading Desk"));
      s.execute("CREATE TABLE " + SqlQuote.qualified("Trading Desk", "Orders")
          + " (id bigserial PRIMARY KEY, instrument_id int, side text CHECK (side IN ('buy', 'sell')), qty int, placed_at timestamptz DEFAULT now())");
      s.execute("INSERT INTO " + SqlQuote.qualified("Trading Desk", "Orders")
          + " (instrument_id, side, qty) SELECT 1 + g % 50, CASE WHEN g % 2 = 0 THEN 'buy' ELSE 'sell' END, g FROM generate_series(1, 500) g");
      s.execute("CREATE TABLE " + SqlQuote.identifier("odd\"name") + " (k text PRIMARY KEY, v jsonb)");
      s.execute("INSERT INTO " + SqlQuote.identifier("odd\"name") + " VALUES ('a', '{\"x\": 1}'), ('it''s', NULL)");
      s.execute("ANALYZE");
    }
  }

  /** Per table: row count and an md5 over the rows in a fixed order; equal maps mean equal contents. */
  static Map<String, String> fingerprint(String database) throws SQLException {
    Map<String, String> result = new TreeMap<>();
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      for (String table : TABLES) {
        int dot = table.indexOf('.');
        String qualified = SqlQuote.qualified(table.substring(0, dot), table.substring(dot + 1));
        try (ResultSet rs = s.executeQuery("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "
            + qualified + " t")) {
          rs.next();
          result.put(table, rs.getLong(1) + ":" + rs.getString(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
          + "WHERE p.relname = " + SqlQuote.literal("market_ticks"))) {
        rs.next();
        result.put("partitions of market_ticks", Long.toString(rs.getLong(1)));
      }
    }
    return result;
  }

  static long count(String database, String schema, String table) throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SqlQuote.qualified(schema, table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void execute(String database, String sql) throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin(database); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
