package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;

/** What the user asks for; defaults are resolved by the operator, never written back here. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.superuserSecretRef) == has(oldSelf.superuserSecretRef) && (!has(self.superuserSecretRef) "
        + "|| self.superuserSecretRef.name == oldSelf.superuserSecretRef.name)",
    message = "superuserSecretRef cannot be added, removed or changed after creation: the password "
        + "inside the database would no longer match")
public class TradingDatabaseSpec {

  @JsonPropertyDescription(
      "Defaults for instances, resources, storage, pooler and disruption budget: development "
          + "(1 instance, no pooler), staging (2 instances, pooler) or production (3 instances, "
          + "pooler, separate WAL volume). Explicit fields win. Defaults to development.")
  private Profile profile;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "Container image with PostgreSQL, TimescaleDB and Patroni. Defaults to "
          + "timescale/timescaledb-ha:pg16.")
  private String image;

  @Pattern("^(Always|IfNotPresent|Never)$")
  @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never. Defaults to IfNotPresent.")
  private String imagePullPolicy;

  @Min(1)
  @Max(9)
  @JsonPropertyDescription(
      "Number of PostgreSQL instances (1 to 9): one primary, the rest streaming replicas managed "
          + "by Patroni. Defaults from the profile.")
  private Integer instances;

  @Required
  @Pattern("^[a-z_][a-z0-9_]{0,62}$")
  @ValidationRule(value = "self == oldSelf", message = "databaseName is immutable")
  @JsonPropertyDescription(
      "Application database created at bootstrap, for example ai_trading. Lower-case letters, "
          + "digits and underscores, at most 63 characters. Immutable.")
  private String databaseName;

  @JsonPropertyDescription("Persistent volumes for data and, optionally, WAL.")
  private StorageSpec storage;

  @JsonPropertyDescription("CPU and memory for the PostgreSQL container. Defaults from the profile.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("PostgreSQL server settings.")
  private PostgresqlSpec postgresql;

  @JsonPropertyDescription("TimescaleDB extension settings.")
  private TimescaleSpec timescaledb;

  @JsonPropertyDescription("Patroni high-availability settings.")
  private PatroniSpec patroni;

  @JsonPropertyDescription("pgBouncer connection pooler in transaction mode.")
  private PoolerSpec pooler;

  @JsonPropertyDescription("Metrics exporter, alert rules and health checks.")
  private MonitoringSpec monitoring;

  @JsonPropertyDescription("TLS for client and replication connections.")
  private TlsSpec tls;

  @JsonPropertyDescription(
      "Where the pods may run. When affinity is unset and instances > 1, the operator spreads instances "
          + "across nodes (preferred pod anti-affinity on kubernetes.io/hostname).")
  private SchedulingSpec scheduling;

  @JsonPropertyDescription(
      "Existing Secret with keys 'username' and 'password' for the PostgreSQL superuser. When "
          + "unset, the operator generates <name>-superuser once and never regenerates it.")
  private LocalObjectRef superuserSecretRef;

  @JsonPropertyDescription(
      "Retain (default) keeps the PersistentVolumeClaims when the TradingDatabase is deleted; "
          + "Delete removes them with it.")
  private VolumeDeletionPolicy volumeDeletionPolicy;

  @JsonPropertyDescription("How a new cluster gets its first data: empty (default) or from a backup.")
  private BootstrapSpec bootstrap;

  @JsonPropertyDescription(
      "Optional NetworkPolicy limiting who may connect to PostgreSQL. Off by default.")
  private NetworkPolicySpec networkPolicy;

  @JsonPropertyDescription(
      "pgBackRest repository for WAL archiving and physical backups (BackupSchedule method "
          + "pgBackRest) and point-in-time recovery. Off by default; changing it restarts the instances.")
  private PgBackRestRepositorySpec pgBackRest;

  @JsonPropertyDescription(
      "What DbUsers aimed at this TradingDatabase may be granted beyond ordinary roles and the "
          + "application's objects. Unset: the safe defaults described in docs/security.md.")
  private DbUsersSpec dbUsers;

  @JsonPropertyDescription(
      "Rotation of the operator-managed passwords on an interval; the tradingdb.io/rotate-credentials "
          + "annotation rotates them once per value without it. A superuserSecretRef Secret is never rotated.")
  @io.fabric8.generator.annotation.ValidationRule(
      value = "!has(self.enabled) || !self.enabled || has(self.interval)",
      message = "passwordRotation.interval is required when enabled")
  private PasswordRotationSpec passwordRotation;

  public PasswordRotationSpec getPasswordRotation() { return passwordRotation; }
  public void setPasswordRotation(PasswordRotationSpec passwordRotation) { this.passwordRotation = passwordRotation; }
  public Profile getProfile() { return profile; }
  public void setProfile(Profile profile) { this.profile = profile; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public String getImagePullPolicy() { return imagePullPolicy; }
  public void setImagePullPolicy(String imagePullPolicy) { this.imagePullPolicy = imagePullPolicy; }
  public Integer getInstances() { return instances; }
  public void setInstances(Integer instances) { this.instances = instances; }
  public String getDatabaseName() { return databaseName; }
  public void setDatabaseName(String databaseName) { this.databaseName = databaseName; }
  public StorageSpec getStorage() { return storage; }
  public void setStorage(StorageSpec storage) { this.storage = storage; }
  public ResourceRequirements getResources() { return resources; }
  public void setResources(ResourceRequirements resources) { this.resources = resources; }
  public PostgresqlSpec getPostgresql() { return postgresql; }
  public void setPostgresql(PostgresqlSpec postgresql) { this.postgresql = postgresql; }
  public TimescaleSpec getTimescaledb() { return timescaledb; }
  public void setTimescaledb(TimescaleSpec timescaledb) { this.timescaledb = timescaledb; }
  public PatroniSpec getPatroni() { return patroni; }
  public void setPatroni(PatroniSpec patroni) { this.patroni = patroni; }
  public PoolerSpec getPooler() { return pooler; }
  public void setPooler(PoolerSpec pooler) { this.pooler = pooler; }
  public MonitoringSpec getMonitoring() { return monitoring; }
  public void setMonitoring(MonitoringSpec monitoring) { this.monitoring = monitoring; }
  public TlsSpec getTls() { return tls; }
  public void setTls(TlsSpec tls) { this.tls = tls; }
  public SchedulingSpec getScheduling() { return scheduling; }
  public void setScheduling(SchedulingSpec scheduling) { this.scheduling = scheduling; }
  public LocalObjectRef getSuperuserSecretRef() { return superuserSecretRef; }
  public void setSuperuserSecretRef(LocalObjectRef superuserSecretRef) { this.superuserSecretRef = superuserSecretRef; }
  public VolumeDeletionPolicy getVolumeDeletionPolicy() { return volumeDeletionPolicy; }
  public void setVolumeDeletionPolicy(VolumeDeletionPolicy volumeDeletionPolicy) { this.volumeDeletionPolicy = volumeDeletionPolicy; }
  public PgBackRestRepositorySpec getPgBackRest() { return pgBackRest; }
  public void setPgBackRest(PgBackRestRepositorySpec pgBackRest) { this.pgBackRest = pgBackRest; }
  public BootstrapSpec getBootstrap() { return bootstrap; }
  public void setBootstrap(BootstrapSpec bootstrap) { this.bootstrap = bootstrap; }
  public DbUsersSpec getDbUsers() { return dbUsers; }
  public void setDbUsers(DbUsersSpec dbUsers) { this.dbUsers = dbUsers; }
  public NetworkPolicySpec getNetworkPolicy() { return networkPolicy; }
  public void setNetworkPolicy(NetworkPolicySpec networkPolicy) { this.networkPolicy = networkPolicy; }
}
