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

  @Size(max = 100)
  @ValidationRule(
      value = "self.all(k, !(k.lowerAscii() in ['listen_addr', 'listen_port', 'auth_type', "
          + "'auth_file', 'auth_query', 'auth_user', 'auth_dbname', 'unix_socket_dir', 'pidfile', "
          + "'logfile', 'client_tls_sslmode', 'client_tls_key_file', 'client_tls_cert_file', "
          + "'client_tls_ca_file', 'server_tls_sslmode', 'server_tls_ca_file', 'admin_users', "
          + "'stats_users']))",
      message = "pooler.parameters may not set a parameter the operator owns (listen_*, auth_*, "
          + "*_tls_*, admin_users, stats_users, file paths)")
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
