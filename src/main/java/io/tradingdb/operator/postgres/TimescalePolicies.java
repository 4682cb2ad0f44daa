package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TimescaleDB retention and compression policies: what a hypertable has (read from
 * timescaledb_information), what it should have, and the statements between the two. Policies
 * need the Timescale-licensed part of TimescaleDB (the timescaledb-ha image has it); the
 * Apache-only build refuses add_retention_policy and add_compression_policy.
 */
public final class TimescalePolicies {

  public static final String RETENTION = "policy_retention";
  public static final String COMPRESSION = "policy_compression";
  /** How long after a table's retention policy its new compression policy first runs. */
  static final Duration COMPRESSION_AFTER_RETENTION = Duration.ofSeconds(30);

  public record Table(String schema, String name) {
    public String qualified() {
      return SqlQuote.qualified(schema, name);
    }

    /** The regclass argument of TimescaleDB's functions, a quoted name inside a literal. */
    String regclass() {
      return SqlQuote.literal(qualified()) + "::regclass";
    }

    @Override
    public String toString() {
      return schema + "." + name;
    }
  }

  public record OrderBy(String column, boolean descending) {}

  /** Empty {@code segmentBy}/{@code orderBy} leave TimescaleDB's own choice alone. */
  public record Compression(Duration after, List<String> segmentBy, List<OrderBy> orderBy) {
    public Compression {
      segmentBy = List.copyOf(segmentBy);
      orderBy = List.copyOf(orderBy);
    }
  }

  /** What a hypertable should have; an empty optional means "no such policy". */
  public record Hypertable(
      Table table, Optional<Duration> chunkInterval, Optional<Duration> dropAfter, Optional<Compression> compression) {}

  /** A policy job and the age its config names (null when it is not an interval, e.g. integer time). */
  public record Job(int id, String proc, Duration age) {}

  /** What a hypertable has. */
  public record Actual(
      Table table, Duration chunkInterval, boolean compressionEnabled, List<String> segmentBy,
      List<OrderBy> orderBy, Optional<Job> retention, Optional<Job> compression) {}

  /** The statements that bring one table to its declared state, in one transaction. */
  public record TablePlan(Table table, SqlPlan sql) {}

  /** @param missing declared tables that are not hypertables (yet) */
  public record Plan(List<TablePlan> tables, List<Table> missing) {
    public boolean isEmpty() {
      return tables.stream().allMatch(t -> t.sql().isEmpty());
    }

    public List<String> descriptions() {
      return tables.stream().flatMap(t -> t.sql().descriptions().stream()).toList();
    }
  }

  /** One policy job's last run, from timescaledb_information.job_stats. */
  public record JobStats(
      Table table, int jobId, String proc, Instant lastRunStartedAt, String lastRunStatus,
      long totalFailures, Instant nextStart) {
    public boolean failed() {
      return "Failed".equalsIgnoreCase(lastRunStatus);
    }
  }

  private TimescalePolicies() {}

  /**
   * @param desired the declared hypertables
   * @param released tables the operator managed before and the spec no longer lists: their policies go
   */
  public static Plan plan(List<Hypertable> desired, Collection<Table> released, Map<Table, Actual> actual) {
    List<TablePlan> plans = new ArrayList<>();
    List<Table> missing = new ArrayList<>();
    for (Hypertable want : desired) {
      Actual have = actual.get(want.table());
      if (have == null) {
        missing.add(want.table());
        continue;
      }
      plans.add(new TablePlan(want.table(), new SqlPlan(statements(want, have))));
    }
    for (Table table : released) {
      Actual have = actual.get(table);
      if (have != null && desired.stream().noneMatch(d -> d.table().equals(table))) {
        plans.add(new TablePlan(table, new SqlPlan(
            statements(new Hypertable(table, Optional.empty(), Optional.empty(), Optional.empty()), have))));
      }
    }
    return new Plan(List.copyOf(plans), List.copyOf(missing));
  }

  private static List<PlannedStatement> statements(Hypertable want, Actual have) {
    List<PlannedStatement> out = new ArrayList<>();
    Table t = want.table();
    want.chunkInterval().filter(i -> !i.equals(have.chunkInterval())).ifPresent(i -> out.add(PlannedStatement.of(
        "SELECT set_chunk_time_interval(" + t.regclass() + ", " + interval(i) + ")")));

    Optional<Compression> compression = want.compression();
    if (compression.isPresent()) {
      Compression c = compression.get();
      boolean settingsDiffer = !have.compressionEnabled()
          || (!c.segmentBy().isEmpty() && !c.segmentBy().equals(have.segmentBy()))
          || (!c.orderBy().isEmpty() && !c.orderBy().equals(have.orderBy()));
      if (settingsDiffer) {
        out.add(PlannedStatement.of("ALTER TABLE " + t.qualified() + " SET (" + compressOptions(c) + ")"));
      }
    }
    policy(out, t, RETENTION, want.dropAfter(), have.retention(), "add_retention_policy", "drop_after",
        "remove_retention_policy", "");
    // A new policy runs at once. Both at once on a table with chunks past the retention age, the
    // compression run compresses chunks the retention run is dropping and fails ("no chunk found",
    // a deadlock): a real failed run, seen here in one of three tries. Compression starts later.
    policy(out, t, COMPRESSION, compression.map(Compression::after), have.compression(), "add_compression_policy",
        "compress_after", "remove_compression_policy",
        want.dropAfter().isPresent() ? ", initial_start => now() + " + interval(COMPRESSION_AFTER_RETENTION) : "");
    return out;
  }

  private static void policy(
      List<PlannedStatement> out, Table t, String proc, Optional<Duration> want, Optional<Job> have,
      String add, String argument, String remove, String options) {
    boolean same = want.isPresent() && have.isPresent() && want.get().equals(have.get().age());
    if (same || (want.isEmpty() && have.isEmpty())) {
      return;
    }
    if (have.isPresent()) {
      out.add(PlannedStatement.of("SELECT " + remove + "(" + t.regclass() + ", if_exists => true)"));
    }
    want.ifPresent(age -> out.add(PlannedStatement.of(
        "SELECT " + add + "(" + t.regclass() + ", " + argument + " => " + interval(age) + options + ")")));
  }

  private static String compressOptions(Compression c) {
    StringBuilder sql = new StringBuilder("timescaledb.compress");
    if (!c.segmentBy().isEmpty()) {
      sql.append(", timescaledb.compress_segmentby = ").append(SqlQuote.literal(
          String.join(", ", c.segmentBy().stream().map(SqlQuote::identifier).toList())));
    }
    if (!c.orderBy().isEmpty()) {
      sql.append(", timescaledb.compress_orderby = ").append(SqlQuote.literal(String.join(", ", c.orderBy().stream()
          .map(o -> SqlQuote.identifier(o.column()) + (o.descending() ? " DESC" : " ASC")).toList())));
    }
    return sql.toString();
  }

  /** Whole days read as days in psql and job configs; anything else as seconds. */
  static String interval(Duration d) {
    long seconds = d.toSeconds();
    String text = seconds % 86_400 == 0 ? seconds / 86_400 + " days" : seconds + " seconds";
    return "INTERVAL " + SqlQuote.literal(text);
  }

  /** Executes each table's statements in its own transaction, so one bad table does not hold back the rest. */
  public static Map<Table, SQLException> execute(Connection connection, Plan plan) {
    Map<Table, SQLException> failures = new LinkedHashMap<>();
    for (TablePlan table : plan.tables()) {
      try {
        PlanExecutor.execute(connection, table.sql());
      } catch (SQLException e) {
        failures.put(table.table(), e);
      }
    }
    return failures;
  }

  /** Whether the timescaledb extension is installed in the connected database. */
  public static boolean installed(Connection connection) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement(
            "SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'");
        ResultSet rs = s.executeQuery()) {
      return rs.next();
    }
  }

  /** Every hypertable of the database with its chunk interval, compression settings and policy jobs. */
  public static Map<Table, Actual> read(Connection connection) throws SQLException {
    Map<Table, Actual> tables = new LinkedHashMap<>();
    try (PreparedStatement s = connection.prepareStatement(
            "SELECT h.hypertable_schema, h.hypertable_name, h.compression_enabled,"
                + " (SELECT extract(epoch FROM d.time_interval)::bigint FROM timescaledb_information.dimensions d"
                + "   WHERE d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name"
                + "   AND d.dimension_number = 1)"
                + " FROM timescaledb_information.hypertables h");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        Table t = new Table(rs.getString(1), rs.getString(2));
        long interval = rs.getLong(4);
        tables.put(t, new Actual(t, rs.wasNull() ? null : Duration.ofSeconds(interval), rs.getBoolean(3),
            List.of(), List.of(), Optional.empty(), Optional.empty()));
      }
    }
    Map<Table, List<String>> segmentBy = new LinkedHashMap<>();
    Map<Table, List<OrderBy>> orderBy = new LinkedHashMap<>();
    try (PreparedStatement s = connection.prepareStatement(
            "SELECT hypertable_schema, hypertable_name, attname, segmentby_column_index, orderby_column_index,"
                + " orderby_asc FROM timescaledb_information.compression_settings"
                + " ORDER BY 1, 2, segmentby_column_index NULLS LAST, orderby_column_index NULLS LAST");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        Table t = new Table(rs.getString(1), rs.getString(2));
        rs.getInt(4);
        if (!rs.wasNull()) {
          segmentBy.computeIfAbsent(t, k -> new ArrayList<>()).add(rs.getString(3));
        }
        rs.getInt(5);
        if (!rs.wasNull()) {
          orderBy.computeIfAbsent(t, k -> new ArrayList<>()).add(new OrderBy(rs.getString(3), !rs.getBoolean(6)));
        }
      }
    }
    Map<Table, Job> retention = new LinkedHashMap<>();
    Map<Table, Job> compression = new LinkedHashMap<>();
    try (PreparedStatement s = connection.prepareStatement(
            "SELECT hypertable_schema, hypertable_name, job_id, proc_name,"
                + " CASE WHEN config->>'drop_after' ~ '^-?[0-9]+$' OR config->>'compress_after' ~ '^-?[0-9]+$'"
                + "   THEN NULL"
                + "   ELSE extract(epoch FROM coalesce(config->>'drop_after', config->>'compress_after')::interval)::bigint"
                + " END"
                + " FROM timescaledb_information.jobs WHERE proc_schema = '_timescaledb_functions'"
                + " AND proc_name IN (?, ?) AND hypertable_name IS NOT NULL ORDER BY job_id");
        ResultSet rs = bind(s, RETENTION, COMPRESSION).executeQuery()) {
      while (rs.next()) {
        Table t = new Table(rs.getString(1), rs.getString(2));
        long age = rs.getLong(5);
        Job job = new Job(rs.getInt(3), rs.getString(4), rs.wasNull() ? null : Duration.ofSeconds(age));
        (RETENTION.equals(job.proc()) ? retention : compression).putIfAbsent(t, job);
      }
    }
    tables.replaceAll((t, a) -> new Actual(t, a.chunkInterval(), a.compressionEnabled(),
        List.copyOf(segmentBy.getOrDefault(t, List.of())), List.copyOf(orderBy.getOrDefault(t, List.of())),
        Optional.ofNullable(retention.get(t)), Optional.ofNullable(compression.get(t))));
    return tables;
  }

  /** The last run of every retention and compression job of the given tables. */
  public static List<JobStats> jobStats(Connection connection, Collection<Table> tables) throws SQLException {
    List<JobStats> stats = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(
            "SELECT j.hypertable_schema, j.hypertable_name, j.job_id, j.proc_name, st.last_run_started_at,"
                + " st.last_run_status, coalesce(st.total_failures, 0), st.next_start"
                + " FROM timescaledb_information.jobs j"
                + " LEFT JOIN timescaledb_information.job_stats st ON st.job_id = j.job_id"
                + " WHERE j.proc_schema = '_timescaledb_functions' AND j.proc_name IN (?, ?) ORDER BY j.job_id");
        ResultSet rs = bind(s, RETENTION, COMPRESSION).executeQuery()) {
      while (rs.next()) {
        Table t = new Table(rs.getString(1), rs.getString(2));
        if (tables.contains(t)) {
          stats.add(new JobStats(t, rs.getInt(3), rs.getString(4), instant(rs.getTimestamp(5)), rs.getString(6),
              rs.getLong(7), instant(rs.getTimestamp(8))));
        }
      }
    }
    return stats;
  }

  private static PreparedStatement bind(PreparedStatement s, String... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      s.setString(i + 1, values[i]);
    }
    return s;
  }

  /** job_stats reports -infinity for a job that never ran. */
  private static Instant instant(Timestamp ts) {
    if (ts == null || ts.getTime() == org.postgresql.PGStatement.DATE_NEGATIVE_INFINITY
        || ts.getTime() == org.postgresql.PGStatement.DATE_POSITIVE_INFINITY) {
      return null;
    }
    return ts.toInstant();
  }
}
