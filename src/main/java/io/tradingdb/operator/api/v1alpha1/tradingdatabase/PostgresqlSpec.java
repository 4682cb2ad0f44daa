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

  /** Kept in step with OwnedParameters.NAMES: the schema refuses early, the operator again. */
  public static final String OWNED_PARAMETERS_RULE =
      "self.all(k, !(k.lowerAscii() in ['listen_addresses', 'port', 'data_directory', "
          + "'hba_file', 'ident_file', 'config_file', 'external_pid_file', "
          + "'unix_socket_directories', 'ssl', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file', "
          + "'archive_command', 'archive_mode', 'restore_command', 'recovery_target_time', "
          + "'primary_conninfo', 'primary_slot_name', 'hot_standby', 'wal_level', "
          + "'shared_preload_libraries', 'cluster_name', 'synchronous_standby_names']))";

  @Size(max = 200)
  @ValidationRule(
      value = OWNED_PARAMETERS_RULE,
      message = "postgresql.parameters may not set a parameter the operator owns (listen_addresses, "
          + "port, data_directory, ssl*, archive_*, wal_level, shared_preload_libraries, "
          + "replication settings); use the dedicated spec fields instead")
  @JsonPropertyDescription(
      "postgresql.conf parameters, for example max_connections: \"200\" or "
          + "shared_buffers: \"2GB\". Values are strings. Parameters the operator owns "
          + "(networking, paths, TLS files, archiving, replication, shared_preload_libraries) are "
          + "refused.")
  private Map<String, String> parameters;

  @Size(max = 20)
  @JsonPropertyDescription(
      "Extra libraries for shared_preload_libraries. timescaledb and pg_stat_statements are "
          + "always loaded.")
  private List<String> extraSharedPreloadLibraries;

  public Map<String, String> getParameters() { return parameters; }
  public void setParameters(Map<String, String> parameters) { this.parameters = parameters; }
  public List<String> getExtraSharedPreloadLibraries() { return extraSharedPreloadLibraries; }
  public void setExtraSharedPreloadLibraries(List<String> extraSharedPreloadLibraries) { this.extraSharedPreloadLibraries = extraSharedPreloadLibraries; }
}
