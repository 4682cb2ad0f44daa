package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** libpq sslmode values, spelled as libpq spells them. */
public enum SslMode {
  @JsonProperty("disable") DISABLE("disable"),
  @JsonProperty("allow") ALLOW("allow"),
  @JsonProperty("prefer") PREFER("prefer"),
  @JsonProperty("require") REQUIRE("require"),
  @JsonProperty("verify-ca") VERIFY_CA("verify-ca"),
  @JsonProperty("verify-full") VERIFY_FULL("verify-full");

  private final String libpqName;

  SslMode(String libpqName) { this.libpqName = libpqName; }

  /** The value libpq, pg_dump and the JDBC driver accept. */
  public String libpqName() { return libpqName; }
}
