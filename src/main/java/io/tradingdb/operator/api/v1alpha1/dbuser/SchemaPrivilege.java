package io.tradingdb.operator.api.v1alpha1.dbuser;

/** Privileges on a schema. */
public enum SchemaPrivilege { USAGE, CREATE }
