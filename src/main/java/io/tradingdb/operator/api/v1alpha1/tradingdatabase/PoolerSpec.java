package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/** pgBouncer in front of the primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolerSpec {

  @JsonPropertyDescription("Run pgBouncer. Defaults from the profile (off in development).")
  private Boolean enabled;

  @Min(1)
  @Max(10)
  @JsonPropertyDescription(
      "pgBouncer replicas. Defaults to 1, or 2 in production. With 2 or more, a disruption budget "
          + "keeps all but one running during node drains.")
  private Integer instances;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "pgBouncer image. Defaults to CloudNativePG's pgBouncer image (ghcr.io/cloudnative-pg/pgbouncer). "
          + "An image of your own needs /bin/sh, cksum and pgbouncer at /usr/bin/pgbouncer.")
  private String image;

  @Pattern("^(transaction|session|statement)$")
  @JsonPropertyDescription("pgBouncer pool_mode. Defaults to transaction.")
  private String poolMode;

  @Min(1)
  @Max(100000)
  @JsonPropertyDescription(
      "max_client_conn: client connections each pgBouncer replica accepts. Defaults to 100.")
  private Integer maxClientConn;

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("default_pool_size: server connections per user and database. Defaults to 20.")
  private Integer defaultPoolSize;

  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("reserve_pool_size: extra server connections for bursts. Defaults to 5.")
  private Integer reservePoolSize;

  /** Kept equal to OwnedParameters.POOLER by OwnedParametersTest. */
  public static final String OWNED_PARAMETERS_RULE =
      "self.all(k, !(k.lowerAscii() in ['admin_users', 'auth_dbname', 'auth_file', 'auth_hba_file', "
          + "'auth_ident_file', 'auth_query', 'auth_type', 'auth_user', 'client_tls_ca_file', "
          + "'client_tls_cert_file', 'client_tls_ciphers', 'client_tls_dheparams', 'client_tls_ecdhcurve', "
          + "'client_tls_key_file', 'client_tls_protocols', 'client_tls_sslmode', 'conffile', 'listen_addr', "
          + "'listen_port', 'logfile', 'pidfile', 'resolv_conf', 'server_tls_ca_file', 'server_tls_cert_file', "
          + "'server_tls_ciphers', 'server_tls_key_file', 'server_tls_protocols', 'server_tls_sslmode', "
          + "'stats_users', 'syslog', 'syslog_facility', 'syslog_ident', 'unix_socket_dir', 'unix_socket_group', "
          + "'unix_socket_mode', 'user']))";

  @Size(max = 100)
  @ValidationRule(
      value = OWNED_PARAMETERS_RULE,
      message = "pooler.parameters may not set a parameter the operator owns (listening address, "
          + "authentication, TLS, the process user, admin and stats users, and every setting that names a file)")
  @ValidationRule(value = PostgresqlSpec.VALUES_RULE,
      message = "pooler.parameters values must be at most " + PostgresqlSpec.VALUE_MAX_LENGTH + " characters")
  @ValidationRule(
      value = "self.all(k, !(k.lowerAscii() in ['pool_mode', 'max_client_conn', 'default_pool_size', "
          + "'reserve_pool_size']))",
      message = "pooler.parameters may not set pool_mode, max_client_conn, default_pool_size or "
          + "reserve_pool_size: use poolMode, maxClientConn, defaultPoolSize, reservePoolSize")
  @JsonPropertyDescription(
      "Further pgbouncer.ini [pgbouncer] settings, for example query_wait_timeout: \"60\" or "
          + "max_db_connections: \"80\". Values are single lines. Settings the operator owns "
          + "(listening, authentication, TLS files) and those with a field of their own are refused. "
          + "Changes are applied by reloading pgBouncer, without dropping client connections.")
  private Map<String, String> parameters;

  @JsonPropertyDescription("CPU and memory for pgBouncer.")
  private ResourceRequirements resources;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public Integer getInstances() { return instances; }
  public void setInstances(Integer instances) { this.instances = instances; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public String getPoolMode() { return poolMode; }
  public void setPoolMode(String poolMode) { this.poolMode = poolMode; }
  public Integer getMaxClientConn() { return maxClientConn; }
  public void setMaxClientConn(Integer maxClientConn) { this.maxClientConn = maxClientConn; }
  public Integer getDefaultPoolSize() { return defaultPoolSize; }
  public void setDefaultPoolSize(Integer defaultPoolSize) { this.defaultPoolSize = defaultPoolSize; }
  public Integer getReservePoolSize() { return reservePoolSize; }
  public void setReservePoolSize(Integer reservePoolSize) { this.reservePoolSize = reservePoolSize; }
  public Map<String, String> getParameters() { return parameters; }
  public void setParameters(Map<String, String> parameters) { this.parameters = parameters; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
}
