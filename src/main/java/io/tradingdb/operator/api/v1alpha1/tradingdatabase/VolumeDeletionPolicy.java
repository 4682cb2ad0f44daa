package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to the data volumes when the TradingDatabase is deleted. */
public enum VolumeDeletionPolicy {
  @JsonProperty("Retain") RETAIN,
  @JsonProperty("Delete") DELETE
}
