package io.tradingdb.operator.tradingdatabase.model;

import java.util.Locale;
import java.util.Set;

/**
 * Settings the operator (or Patroni) owns. The CRD's CEL rules refuse them too; this check also
 * covers API servers that do not run CEL and resources stored before a rule existed.
 * OwnedParametersTest keeps these lists and the rules' lists equal.
 */
public final class OwnedParameters {

  public static final Set<String> POSTGRES = Set.of(
      "listen_addresses", "port", "data_directory", "hba_file", "ident_file", "config_file",
      "external_pid_file", "unix_socket_directories", "ssl", "ssl_cert_file", "ssl_key_file",
      "ssl_ca_file", "archive_command", "archive_mode", "restore_command", "recovery_target_time",
      "primary_conninfo", "primary_slot_name", "hot_standby", "wal_level",
      "shared_preload_libraries", "cluster_name", "synchronous_standby_names");

  public static final Set<String> POOLER = Set.of(
      "listen_addr", "listen_port", "auth_type", "auth_file", "auth_query", "auth_user",
      "auth_dbname", "unix_socket_dir", "pidfile", "logfile", "client_tls_sslmode",
      "client_tls_key_file", "client_tls_cert_file", "client_tls_ca_file", "server_tls_sslmode",
      "server_tls_ca_file", "admin_users", "stats_users");

  private OwnedParameters() {}

  static void check(String name) {
    if (name == null || !name.matches("^[A-Za-z_][A-Za-z0-9_.]*$")) {
      throw new InvalidSpecException(
          "spec.postgresql.parameters: '" + name + "' is not a PostgreSQL parameter name");
    }
    if (POSTGRES.contains(name.toLowerCase(Locale.ROOT))) {
      throw new InvalidSpecException(
          "spec.postgresql.parameters." + name + " is owned by the operator and cannot be set");
    }
  }

  static void checkPooler(String name) {
    if (name == null || !name.matches("^[a-z_][a-z0-9_]*$")) {
      throw new InvalidSpecException(
          "spec.pooler.parameters: '" + name + "' is not a pgBouncer setting name");
    }
    if (POOLER.contains(name.toLowerCase(Locale.ROOT))) {
      throw new InvalidSpecException(
          "spec.pooler.parameters." + name + " is owned by the operator and cannot be set");
    }
  }

}
