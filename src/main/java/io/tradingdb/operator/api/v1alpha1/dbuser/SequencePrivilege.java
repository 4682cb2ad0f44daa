package io.tradingdb.operator.api.v1alpha1.dbuser;

/** Privileges on sequences. */
public enum SequencePrivilege { USAGE, SELECT, UPDATE }
