package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Named bundles of privileges; see docs/dbuser.md for their exact expansion. */
public enum Preset {
  @JsonProperty("readOnly") READ_ONLY,
  @JsonProperty("readWrite") READ_WRITE
}
