package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What pg_dump writes: everything, only the schema, or only the data. */
public enum DumpScope {
  @JsonProperty("full") FULL("full"),
  @JsonProperty("schemaOnly") SCHEMA_ONLY("schemaOnly"),
  @JsonProperty("dataOnly") DATA_ONLY("dataOnly");

  private final String value;

  DumpScope(String value) { this.value = value; }

  public String value() { return value; }
}
