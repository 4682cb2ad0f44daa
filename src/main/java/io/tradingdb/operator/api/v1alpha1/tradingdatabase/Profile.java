package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Sizing and availability defaults; every explicit field in the spec wins over them. */
public enum Profile {
  @JsonProperty("development") DEVELOPMENT,
  @JsonProperty("staging") STAGING,
  @JsonProperty("production") PRODUCTION
}
