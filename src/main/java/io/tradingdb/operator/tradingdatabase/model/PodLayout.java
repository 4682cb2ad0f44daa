package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.pgbackrest.PgBackRestConf;

/**
 * What the database pods and the Jobs that reach them (backups, restores) must agree on: the
 * PostgreSQL user, its folders, and the keys of the TLS Secrets.
 */
public final class PodLayout {

  /** The timescaledb-ha image runs PostgreSQL as this user. */
  public static final long POSTGRES_UID = 1000L;
  public static final String SOCKET_DIR = "/var/run/postgresql";
  public static final String DATA_MOUNT = "/home/postgres/pgdata";
  public static final String DATA_DIR = DATA_MOUNT + "/data";

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CLIENT_CERT = "client.crt";
  public static final String CLIENT_KEY = "client.key";

  private PodLayout() {}

  /** PostgreSQL as pgBackRest finds it in a database pod. */
  public static PgBackRestConf.Postgres postgres() {
    return new PgBackRestConf.Postgres(DATA_DIR, ClusterNames.POSTGRES_PORT, SOCKET_DIR);
  }
}
