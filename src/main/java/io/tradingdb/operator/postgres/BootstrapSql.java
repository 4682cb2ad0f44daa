package io.tradingdb.operator.postgres;

import java.util.List;

/**
 * The psql script Patroni runs once after initdb (its post_init hook): the application database
 * with TimescaleDB and pg_stat_statements. Rendered here so that names go through SqlQuote.
 */
public final class BootstrapSql {

  private BootstrapSql() {}

  /** Statements run while connected to the maintenance database "postgres". */
  public static List<String> inMaintenanceDatabase(String databaseName) {
    return List.of(
        "CREATE DATABASE " + SqlQuote.identifier(databaseName),
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }

  /** Statements run inside the application database. */
  public static List<String> inApplicationDatabase() {
    return List.of(
        "CREATE EXTENSION IF NOT EXISTS timescaledb",
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }

  /**
   * The whole script for psql. {@code \connect} takes the database name as a psql argument, which
   * psql reads with SQL identifier quoting rules, so the same quoting applies.
   */
  public static String psqlScript(String databaseName) {
    return psqlScript(databaseName, false);
  }

  /**
   * {@code restored}: the cluster starts from restored files (a pgBackRest bootstrap), which bring
   * the database along, so it is created only when missing ({@code \gexec} runs the statement the
   * query returns, and the query returns none when the database exists).
   */
  public static String psqlScript(String databaseName, boolean restored) {
    StringBuilder sql = new StringBuilder("\\set ON_ERROR_STOP on\n");
    List<String> maintenance = inMaintenanceDatabase(databaseName);
    if (restored) {
      sql.append("SELECT ").append(SqlQuote.literal(maintenance.get(0)))
          .append(" WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ")
          .append(SqlQuote.literal(databaseName)).append(")\n\\gexec\n");
      maintenance = maintenance.subList(1, maintenance.size());
    }
    maintenance.forEach(s -> sql.append(s).append(";\n"));
    sql.append("\\connect ").append(SqlQuote.identifier(databaseName)).append('\n');
    inApplicationDatabase().forEach(s -> sql.append(s).append(";\n"));
    return sql.toString();
  }
}
