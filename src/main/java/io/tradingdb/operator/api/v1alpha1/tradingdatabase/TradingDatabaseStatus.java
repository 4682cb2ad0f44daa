package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import io.tradingdb.operator.api.v1alpha1.common.ResourceStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** What the operator observed and did. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TradingDatabaseStatus extends ResourceStatus {




  @JsonPropertyDescription("Instances requested.")
  private Integer instances;

  @JsonPropertyDescription("Instances whose PostgreSQL passes its readiness probe.")
  private Integer readyInstances;

  @JsonPropertyDescription("Pod that Patroni currently runs as primary.")
  private String currentPrimary;

  @JsonPropertyDescription("Where applications connect.")
  private Endpoints endpoints;

  @JsonPropertyDescription("Secret with the superuser credentials.")
  private String superuserSecret;

  @JsonPropertyDescription("Image the StatefulSet runs.")
  private String image;

  @JsonPropertyDescription(
      "Spec changes that could not be applied, each with the reason (for example a storage "
          + "class that does not allow volume expansion).")
  private List<String> pendingChanges;

  @JsonPropertyDescription(
      "Where spec.monitoring.alerting sends alerts (the AlertmanagerConfig's name), or why it cannot "
          + "(the AlertmanagerConfig CRD is not installed). Never contains the webhook URL.")
  private String alerting;

  @JsonPropertyDescription("Result of the operator's last health queries.")
  private HealthStatus health;

  @JsonPropertyDescription("The hypertables of spec.timescaledb.hypertables: their policies and last job runs.")
  private List<HypertableStatus> hypertables;

  @JsonPropertyDescription(
      "Instances whose PostgreSQL waits for a restart to apply spec.postgresql.parameters. The operator "
          + "restarts the replicas first, then switches over to an up-to-date replica, then restarts the old primary; "
          + "the ParametersApplied condition says what it waits for.")
  private List<PendingRestart> pendingRestart;

  @JsonPropertyDescription("The last rolling restart asked for by the tradingdb.io/restart annotation.")
  private RequestResult restart;

  @JsonPropertyDescription("The last switchover asked for by the tradingdb.io/switchover-to annotation.")
  private RequestResult switchover;

  @JsonPropertyDescription("The last rotation of the cluster's own passwords (tradingdb.io/rotate-credentials or "
      + "spec.passwordRotation.interval): token, result, message, time. Never a password.")
  private RequestResult passwordRotation;

  public RequestResult getPasswordRotation() { return passwordRotation; }
  public void setPasswordRotation(RequestResult passwordRotation) { this.passwordRotation = passwordRotation; }

  @JsonPropertyDescription(
      "Usage of each instance's data and WAL volume, for volumes with autoGrow enabled, as the kubelet last "
          + "reported it.")
  private List<VolumeUsage> volumes;

  public List<VolumeUsage> getVolumes() { return volumes; }
  public void setVolumes(List<VolumeUsage> volumes) { this.volumes = volumes; }

  public String getAlerting() { return alerting; }
  public void setAlerting(String alerting) { this.alerting = alerting; }
  public Integer getInstances() { return instances; }
  public void setInstances(Integer instances) { this.instances = instances; }
  public Integer getReadyInstances() { return readyInstances; }
  public void setReadyInstances(Integer readyInstances) { this.readyInstances = readyInstances; }
  public String getCurrentPrimary() { return currentPrimary; }
  public void setCurrentPrimary(String currentPrimary) { this.currentPrimary = currentPrimary; }
  public Endpoints getEndpoints() { return endpoints; }
  public void setEndpoints(Endpoints endpoints) { this.endpoints = endpoints; }
  public String getSuperuserSecret() { return superuserSecret; }
  public void setSuperuserSecret(String superuserSecret) { this.superuserSecret = superuserSecret; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public List<String> getPendingChanges() { return pendingChanges; }
  public void setPendingChanges(List<String> pendingChanges) { this.pendingChanges = pendingChanges; }
  public List<HypertableStatus> getHypertables() { return hypertables; }
  public void setHypertables(List<HypertableStatus> hypertables) { this.hypertables = hypertables; }
  public List<PendingRestart> getPendingRestart() { return pendingRestart; }
  public void setPendingRestart(List<PendingRestart> pendingRestart) { this.pendingRestart = pendingRestart; }
  public RequestResult getRestart() { return restart; }
  public void setRestart(RequestResult restart) { this.restart = restart; }
  public RequestResult getSwitchover() { return switchover; }
  public void setSwitchover(RequestResult switchover) { this.switchover = switchover; }
  public HealthStatus getHealth() { return health; }
  public void setHealth(HealthStatus health) { this.health = health; }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TradingDatabaseStatus s)) return false;
    return sameBase(s)
        && Objects.equals(instances, s.instances)
        && Objects.equals(readyInstances, s.readyInstances)
        && Objects.equals(currentPrimary, s.currentPrimary) && Objects.equals(endpoints, s.endpoints)
        && Objects.equals(superuserSecret, s.superuserSecret) && Objects.equals(image, s.image)
        && Objects.equals(pendingChanges, s.pendingChanges) && Objects.equals(health, s.health)
        && Objects.equals(hypertables, s.hypertables) && Objects.equals(pendingRestart, s.pendingRestart)
        && Objects.equals(restart, s.restart) && Objects.equals(switchover, s.switchover)
        && Objects.equals(passwordRotation, s.passwordRotation)
        && Objects.equals(volumes, s.volumes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(getObservedGeneration(), getPhase(), getConditions(), instances, readyInstances, currentPrimary);
  }

  /** DNS names applications use. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Endpoints {
    @JsonPropertyDescription("Read-write Service DNS name; always routes to the current primary.")
    private String readWrite;
    @JsonPropertyDescription("Read-only Service DNS name; routes to the replicas.")
    private String readOnly;
    @JsonPropertyDescription("pgBouncer Service DNS name, when the pooler is enabled.")
    private String pooler;
    @JsonPropertyDescription("PostgreSQL port of the Services.")
    private Integer port;

    public String getReadWrite() { return readWrite; }
    public void setReadWrite(String readWrite) { this.readWrite = readWrite; }
    public String getReadOnly() { return readOnly; }
    public void setReadOnly(String readOnly) { this.readOnly = readOnly; }
    public String getPooler() { return pooler; }
    public void setPooler(String pooler) { this.pooler = pooler; }
    public Integer getPort() { return port; }
    public void setPort(Integer port) { this.port = port; }

    @Override
    public boolean equals(Object o) {
      return o instanceof Endpoints e && Objects.equals(readWrite, e.readWrite)
          && Objects.equals(readOnly, e.readOnly) && Objects.equals(pooler, e.pooler)
          && Objects.equals(port, e.port);
    }

    @Override
    public int hashCode() { return Objects.hash(readWrite, readOnly, pooler, port); }
  }
}
