package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * PostgreSQL predefined roles a TradingDatabase may let its DbUsers join. Left out on purpose: the
 * three that touch the server's files or run programs, pg_create_subscription (outbound
 * connections from the server) and pg_database_owner (not grantable).
 */
public enum PredefinedRole {
  @JsonProperty("pg_read_all_data") PG_READ_ALL_DATA("pg_read_all_data"),
  @JsonProperty("pg_write_all_data") PG_WRITE_ALL_DATA("pg_write_all_data"),
  @JsonProperty("pg_monitor") PG_MONITOR("pg_monitor"),
  @JsonProperty("pg_signal_backend") PG_SIGNAL_BACKEND("pg_signal_backend"),
  @JsonProperty("pg_read_all_settings") PG_READ_ALL_SETTINGS("pg_read_all_settings"),
  @JsonProperty("pg_read_all_stats") PG_READ_ALL_STATS("pg_read_all_stats"),
  @JsonProperty("pg_stat_scan_tables") PG_STAT_SCAN_TABLES("pg_stat_scan_tables"),
  @JsonProperty("pg_checkpoint") PG_CHECKPOINT("pg_checkpoint"),
  @JsonProperty("pg_maintain") PG_MAINTAIN("pg_maintain"),
  @JsonProperty("pg_use_reserved_connections") PG_USE_RESERVED_CONNECTIONS("pg_use_reserved_connections");

  private final String roleName;

  PredefinedRole(String roleName) { this.roleName = roleName; }

  /** The role's name in PostgreSQL. */
  public String roleName() { return roleName; }
}
