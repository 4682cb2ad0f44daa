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
    StringBuilder sql = new StringBuilder("\\set ON_ERROR_STOP on\n");
    inMaintenanceDatabase(databaseName).forEach(s -> sql.append(s).append(";\n"));
    sql.append("\\connect ").append(SqlQuote.identifier(databaseName)).append('\n');
    inApplicationDatabase().forEach(s -> sql.append(s).append(";\n"));
    return sql.toString();
  }
}
