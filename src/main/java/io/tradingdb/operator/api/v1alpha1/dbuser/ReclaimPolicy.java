package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to the PostgreSQL role when its DbUser is deleted. */
public enum ReclaimPolicy {
  /** The role, its password and its privileges stay; only the Kubernetes objects go. */
  @JsonProperty("Retain") RETAIN,
  /** REASSIGN OWNED (when reassignOwnedTo is set) or DROP OWNED, then DROP ROLE. */
  @JsonProperty("Delete") DELETE
}
