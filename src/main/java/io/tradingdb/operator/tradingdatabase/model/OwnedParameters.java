package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.kube.InvalidSpecException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * pgBouncer settings the operator owns: listening, authentication, TLS, the process user and every
 * setting that names a file. The CRD's CEL rule refuses them too; this check also covers API servers
 * that do not run CEL and resources stored before a rule existed. OwnedParametersTest keeps this list
 * and the rule's list equal. PostgreSQL parameters are classified in {@link PostgresParameters}.
 */
public final class OwnedParameters {

  public static final Set<String> POOLER = Set.of(
      "listen_addr", "listen_port", "auth_type", "auth_file", "auth_query", "auth_user",
      "auth_dbname", "auth_hba_file", "auth_ident_file", "unix_socket_dir", "unix_socket_mode",
      "unix_socket_group", "user", "pidfile", "logfile", "conffile", "resolv_conf", "syslog",
      "syslog_ident", "syslog_facility", "client_tls_sslmode", "client_tls_key_file",
      "client_tls_cert_file", "client_tls_ca_file", "client_tls_protocols", "client_tls_ciphers",
      "client_tls_dheparams", "client_tls_ecdhcurve", "server_tls_sslmode", "server_tls_ca_file",
      "server_tls_key_file", "server_tls_cert_file", "server_tls_protocols", "server_tls_ciphers",
      "admin_users", "stats_users");

  /** pgBouncer settings with a typed field in spec.pooler; setting them in the map too would be ambiguous. */
  public static final Map<String, String> POOLER_TYPED = Map.of(
      "pool_mode", "poolMode", "max_client_conn", "maxClientConn",
      "default_pool_size", "defaultPoolSize", "reserve_pool_size", "reservePoolSize");

  private OwnedParameters() {}

  static void checkPooler(String name) {
    if (name == null || !name.matches("^[a-z_][a-z0-9_]*$")) {
      throw new InvalidSpecException(
          "spec.pooler.parameters: '" + ParameterValues.printable(name) + "' is not a pgBouncer setting name");
    }
    String key = name.toLowerCase(Locale.ROOT);
    if (POOLER_TYPED.containsKey(key)) {
      throw new InvalidSpecException("spec.pooler.parameters." + name
          + " has a field of its own; set spec.pooler." + POOLER_TYPED.get(key) + " instead");
    }
    if (POOLER.contains(key)) {
      throw new InvalidSpecException(
          "spec.pooler.parameters." + name + " is owned by the operator and cannot be set");
    }
  }
}
