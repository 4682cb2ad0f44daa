package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A PostgreSQL server the operator does not run, such as RDS or Supabase. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalDatabase {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9.:]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Host name or IP address of the PostgreSQL server.")
  private String host;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("TCP port of the PostgreSQL server. Defaults to 5432.")
  private Integer port;

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription("Database to connect to, for example ai_trading.")
  private String database;

  @JsonPropertyDescription(
      "libpq sslmode used for every connection to this server. Defaults to verify-full when "
          + "caSecretRef is set, otherwise require.")
  private SslMode sslMode;

  @Required
  @JsonPropertyDescription(
      "Secret with the admin credentials, under the keys 'username' and 'password'. The role "
          + "needs CREATEROLE for DbUser and read access to the dumped objects for backups.")
  private LocalObjectRef credentialsSecretRef;

  @JsonPropertyDescription(
      "Optional Secret key holding the PEM CA certificate that signed the server's certificate "
          + "(default key 'ca.crt'); enables sslmode verify-full.")
  private SecretKeyRef caSecretRef;

  public String getHost() { return host; }
  public void setHost(String host) { this.host = host; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }
  public String getDatabase() { return database; }
  public void setDatabase(String database) { this.database = database; }
  public SslMode getSslMode() { return sslMode; }
  public void setSslMode(SslMode sslMode) { this.sslMode = sslMode; }
  public LocalObjectRef getCredentialsSecretRef() { return credentialsSecretRef; }
  public void setCredentialsSecretRef(LocalObjectRef credentialsSecretRef) { this.credentialsSecretRef = credentialsSecretRef; }
  public SecretKeyRef getCaSecretRef() { return caSecretRef; }
  public void setCaSecretRef(SecretKeyRef caSecretRef) { this.caSecretRef = caSecretRef; }
}
