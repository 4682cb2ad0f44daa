package io.tradingdb.operator.tradingdatabase.pooler;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

/**
 * Where pgBouncer listens, which server it forwards to, and where its files are mounted. The pod
 * gets {@link #inPod}; tests run the same generated configuration with a loopback layout.
 */
public record PoolerLayout(
    String listenAddress, int listenPort, String serverHost, int serverPort, String authFile,
    String tlsDirectory) {

  public static final String CONFIG_DIR = "/etc/pgbouncer/config";
  public static final String AUTH_DIR = "/etc/pgbouncer/auth";
  public static final String TLS_DIR = "/etc/pgbouncer/tls";
  public static final String CONFIG_FILE = "pgbouncer.ini";
  public static final String RUN_SCRIPT = "run-pgbouncer.sh";
  public static final String AUTH_FILE = "userlist.txt";
  public static final String AUTH_USER_FILE = PoolerConfigMap.AUTH_USER_KEY;

  public static PoolerLayout inPod(ClusterModel model) {
    ClusterNames names = model.names();
    return new PoolerLayout(
        "*", ClusterNames.POOLER_PORT, names.serviceHost(names.readWriteService()),
        ClusterNames.POSTGRES_PORT, AUTH_DIR + "/" + AUTH_FILE, TLS_DIR);
  }

  /** The auth_user line pgbouncer.ini includes: beside the auth file, from the same Secret. */
  public String authUserFile() {
    return authFile.substring(0, authFile.lastIndexOf('/') + 1) + AUTH_USER_FILE;
  }
}
