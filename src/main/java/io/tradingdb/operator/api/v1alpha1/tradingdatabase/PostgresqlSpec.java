package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** PostgreSQL server settings the user may tune. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresqlSpec {

  /**
   * Refuses every parameter postgresql-parameters.tsv denies (commands, libraries, server paths, TLS,
   * authentication, replication...). PostgresParametersTest keeps it equal to PostgresParameters.celRule();
   * the operator also refuses names the file does not list at all.
   */
  public static final String DENIED_PARAMETERS_RULE =
      "self.all(k, !(k.lowerAscii() in ['allow_alter_system', 'allow_in_place_tablespaces', "
          + "'allow_system_table_mods', 'archive_cleanup_command', 'archive_command', 'archive_library', "
          + "'archive_mode', 'backslash_quote', 'backtrace_functions', 'block_size', 'bonjour', 'bonjour_name', "
          + "'cluster_name', 'composite_type_mismatch', 'config_file', 'createrole_self_grant', 'data_checksums', 'data_directory', "
          + "'data_directory_mode', 'data_sync_retry', 'db_user_namespace', 'debug_assertions', "
          + "'debug_discard_caches', 'debug_io_direct', 'debug_logical_replication_streaming', "
          + "'debug_parallel_query', 'debug_pretty_print', 'debug_print_parse', 'debug_print_plan', "
          + "'debug_print_rewritten', 'dynamic_library_path', 'event_source', 'event_triggers', "
          + "'exit_on_error', 'extension_destdir', 'external_pid_file', 'force_parallel_mode', 'fsync', "
          + "'full_page_writes', 'gss_accept_delegation', 'hba_file', 'hot_standby', 'huge_pages_status', "
          + "'ident_file', 'ignore_checksum_failure', 'ignore_invalid_pages', 'ignore_system_indexes', "
          + "'in_hot_standby', 'integer_datetimes', 'jit_debugging_support', 'jit_dump_bitcode', "
          + "'jit_expressions', 'jit_profiling_support', 'jit_provider', 'jit_tuple_deforming', "
          + "'krb_caseins_users', 'krb_server_keyfile', 'lc_collate', 'lc_ctype', 'listen_addresses', "
          + "'lo_compat_privileges', 'local_preload_libraries', 'log_directory', 'log_file_mode', "
          + "'log_filename', 'logging_collector', 'max_function_args', 'max_identifier_length', "
          + "'max_index_keys', 'output_plugin_libraries', 'password_encryption', 'port', 'post_auth_delay', 'pre_auth_delay', "
          + "'primary_conninfo', 'primary_slot_name', 'promote_trigger_file', 'recovery_end_command', "
          + "'recovery_target', 'recovery_target_action', 'recovery_target_inclusive', 'recovery_target_lsn', "
          + "'recovery_target_name', 'recovery_target_time', 'recovery_target_timeline', 'recovery_target_xid', "
          + "'remove_temp_files_after_crash', 'restart_after_crash', 'restore_command', 'scram_iterations', "
          + "'search_path', 'segment_size', 'send_abort_for_crash', 'send_abort_for_kill', 'server_encoding', "
          + "'server_version', 'server_version_num', 'session_preload_libraries', 'session_replication_role', "
          + "'shared_memory_size', 'shared_memory_size_in_huge_pages', 'shared_preload_libraries', 'ssl', "
          + "'ssl_ca_file', 'ssl_cert_file', 'ssl_ciphers', 'ssl_crl_dir', 'ssl_crl_file', "
          + "'ssl_dh_params_file', 'ssl_ecdh_curve', 'ssl_key_file', 'ssl_library', 'ssl_max_protocol_version', "
          + "'ssl_min_protocol_version', 'ssl_passphrase_command', 'ssl_passphrase_command_supports_reload', "
          + "'ssl_prefer_server_ciphers', 'standard_conforming_strings', 'sync_replication_slots', "
          + "'synchronized_standby_slots', 'synchronous_standby_names', 'trace_connection_negotiation', "
          + "'trace_notify', 'trace_recovery_messages', 'trace_sort', 'unix_socket_directories', "
          + "'unix_socket_group', 'unix_socket_permissions', 'wal_block_size', 'wal_consistency_checking', "
          + "'wal_level', 'wal_segment_size', 'zero_damaged_pages']))";

  /** Longest parameter value; PostgreSQL's longest real settings (search_path, log_line_prefix) are far shorter. */
  public static final int VALUE_MAX_LENGTH = 4096;

  /**
   * Values (here and in pooler.parameters) are bounded. Line breaks and other control characters are refused
   * by the operator only: scanning map values in CEL needs a maxLength on each value, which the CRD generator
   * cannot emit for a map, and without it the API server refuses the rule as 57 times over its cost budget.
   */
  public static final String VALUES_RULE = "self.all(k, size(self[k]) <= " + VALUE_MAX_LENGTH + ")";

  @Size(max = 200)
  @ValidationRule(
      value = DENIED_PARAMETERS_RULE,
      message = "postgresql.parameters may not set a parameter that runs a command, loads a library, names a file "
          + "on the server, or that the operator owns (TLS, authentication, listening, replication, archiving, "
          + "recovery); see docs/security.md for the full list and the dedicated spec fields")
  @ValidationRule(
      value = VALUES_RULE,
      message = "postgresql.parameters values must be at most " + VALUE_MAX_LENGTH + " characters")
  @JsonPropertyDescription(
      "postgresql.conf parameters, for example max_connections: \"200\" or "
          + "shared_buffers: \"2GB\". Values are single-line strings. Parameters that run commands, load "
          + "libraries, name server files, or that the operator owns (networking, TLS, authentication, "
          + "archiving, replication, shared_preload_libraries) are refused, and so are names PostgreSQL 15-17 "
          + "does not have; custom settings (library.name) must belong to a preloaded library.")
  private Map<String, String> parameters;

  @Size(max = 20)
  @JsonPropertyDescription(
      "Extra libraries for shared_preload_libraries, as bare names found in PostgreSQL's library folder. "
          + "timescaledb and pg_stat_statements are always loaded; a library named twice is loaded once.")
  private List<String> extraSharedPreloadLibraries;

  public Map<String, String> getParameters() { return parameters; }
  public void setParameters(Map<String, String> parameters) { this.parameters = parameters; }
  public List<String> getExtraSharedPreloadLibraries() { return extraSharedPreloadLibraries; }
  public void setExtraSharedPreloadLibraries(List<String> extraSharedPreloadLibraries) { this.extraSharedPreloadLibraries = extraSharedPreloadLibraries; }
}
