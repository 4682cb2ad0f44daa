package io.tradingdb.operator.api.v1alpha1.dbuser;

/** Privileges on tables, views and foreign tables. */
public enum TablePrivilege { SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER }
