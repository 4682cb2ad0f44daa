package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

/** Administrative role attributes; SUPERUSER is not among them because it is never allowed. */
public enum RoleAttribute {
  CREATEDB,
  CREATEROLE,
  REPLICATION,
  BYPASSRLS
}
