package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kinds of objects that default privileges apply to. */
public enum DefaultObjectType {
  @JsonProperty("tables") TABLES,
  @JsonProperty("sequences") SEQUENCES
}
