package io.tradingdb.operator.api.v1alpha1.dbuser;

/** Privileges on the target database. */
public enum DatabasePrivilege { CONNECT, CREATE, TEMPORARY }
