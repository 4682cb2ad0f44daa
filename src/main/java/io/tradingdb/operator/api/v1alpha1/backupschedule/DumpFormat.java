package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/** pg_dump output formats. */
public enum DumpFormat {
  @JsonProperty("custom") CUSTOM("custom"),
  @JsonProperty("directory") DIRECTORY("directory"),
  @JsonProperty("plain") PLAIN("plain");

  private final String value;

  DumpFormat(String value) { this.value = value; }

  /** The spelling used in the spec and passed to the backup script. */
  public String value() { return value; }
}
