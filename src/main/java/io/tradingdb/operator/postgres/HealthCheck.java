package io.tradingdb.operator.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trading guide's daily checks as the operator runs them for {@code status.health}: the same
 * read-only queries the exporter runs, on a session to the application database.
 */
public final class HealthCheck {

  /** Fewer cache lookups than this and the hit ratio says nothing yet (a fresh database). */
  public static final long MIN_CACHE_BLOCKS = 10_000;

  /**
   * One check's results.
   *
   * @param cacheHitRatio buffer hits / (hits + reads) since statistics were reset
   * @param cacheBlocks hits + reads, the sample the ratio stands on
   * @param walArchiveFailing archive_mode is on and the last archive_command run failed
   * @param blockedSessions sessions waiting for a lock another session holds
   * @param transactionIdAge the highest age(datfrozenxid) of the server's databases
   * @param streamingReplicas standbys streaming WAL from this server (pg_stat_replication)
   * @param synchronousReplicas of those, the ones a commit waits for
   */
  public record Result(
      int connections, int maxConnections, long databaseSizeBytes, double cacheHitRatio,
      long cacheBlocks, int unusedIndexes, int duplicateIndexes, long longestQuerySeconds,
      boolean walArchiveFailing, int blockedSessions, long idleInTransactionSeconds, long transactionIdAge,
      int streamingReplicas, int synchronousReplicas) {}

  /** Replication as the primary sees it; the superuser session reads every standby's state. */
  static final String REPLICATION = "SELECT count(*) FILTER (WHERE state = 'streaming') AS streaming,"
      + " count(*) FILTER (WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')) AS synchronous"
      + " FROM pg_catalog.pg_stat_replication";

  private HealthCheck() {}

  public static Result run(Connection connection) throws SQLException {
    Map<String, Number> connections = row(connection, "tradingdb_connections");
    Map<String, Number> database = row(connection, "tradingdb_database");
    Map<String, Number> cache = row(connection, "tradingdb_cache");
    Map<String, Number> indexes = row(connection, "tradingdb_indexes");
    Map<String, Number> longest = row(connection, "tradingdb_longest_query");
    Map<String, Number> archive = row(connection, "tradingdb_wal_archive");
    Map<String, Number> locks = row(connection, "tradingdb_locks");
    int[] replication = replication(connection);
    return new Result(
        connections.get("used").intValue(),
        connections.get("max").intValue(),
        database.get("size_bytes").longValue(),
        cache.get("hit_ratio").doubleValue(),
        cache.get("blocks_hit").longValue() + cache.get("blocks_read").longValue(),
        indexes.get("unused").intValue(),
        indexes.get("duplicate").intValue(),
        (long) Math.floor(longest.get("seconds").doubleValue()),
        archive.get("enabled").intValue() == 1 && archive.get("failing").intValue() == 1,
        locks.get("blocked_sessions").intValue(),
        (long) Math.floor(longest.get("idle_in_transaction_seconds").doubleValue()),
        maxOf(connection, "tradingdb_wraparound", "transaction_id_age"),
        replication[0], replication[1]);
  }

  private static int[] replication(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(REPLICATION)) {
      rs.next();
      return new int[] {rs.getInt("streaming"), rs.getInt("synchronous")};
    }
  }

  /** The largest value of one column over the rows of a per-database query. */
  private static long maxOf(Connection connection, String query, String column) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(ExporterQueries.get(query).sql())) {
      long max = 0;
      while (rs.next()) {
        max = Math.max(max, rs.getLong(column));
      }
      return max;
    }
  }

  /** The numeric columns of a single-row exporter query. */
  private static Map<String, Number> row(Connection connection, String query) throws SQLException {
    ExporterQueries.Query q = ExporterQueries.get(query);
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(q.sql())) {
      if (!rs.next()) {
        throw new SQLException(query + " returned no row");
      }
      Map<String, Number> values = new LinkedHashMap<>();
      for (ExporterQueries.Column column : q.columns()) {
        if (!"LABEL".equals(column.usage())) {
          values.put(column.name(), rs.getBigDecimal(column.name()));
        }
      }
      return values;
    }
  }
}
