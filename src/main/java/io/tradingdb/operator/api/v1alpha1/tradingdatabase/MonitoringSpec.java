package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import io.tradingdb.operator.api.v1alpha1.common.Formats;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** postgres_exporter sidecar, alert rules, and the operator's own health checks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitoringSpec {

  @JsonPropertyDescription("Run the metrics exporter sidecar and create alert rules. Defaults to true.")
  private Boolean enabled;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription("postgres_exporter image. Defaults to the prometheus-community image.")
  private String exporterImage;

  @JsonPropertyDescription("CPU and memory for the exporter sidecar.")
  private ResourceRequirements exporterResources;

  @JsonPropertyDescription("Alert thresholds; the defaults are the trading guide's.")
  private AlertThresholds alerts;

  @JsonPropertyDescription(
      "Route this cluster's alerts to Slack or a webhook. Creates an AlertmanagerConfig when the "
          + "Prometheus Operator's CRD is installed; otherwise status.alerting says so.")
  private AlertingSpec alerting;

  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "How often the operator runs its read-only health queries, for example 5m. At least 10s. Defaults to 5m.")
  private String healthCheckInterval;

  @Pattern("^(@(hourly|daily|weekly|monthly))|((\\S+\\s+){4}\\S+)$")
  @JsonPropertyDescription(
      "Cron schedule for VACUUM ANALYZE of the application database. Defaults to the guide's weekly "
          + "\"0 4 * * 0\" when vacuumAnalyzeEnabled is on.")
  private String vacuumAnalyzeSchedule;

  @JsonPropertyDescription(
      "Run the scheduled VACUUM ANALYZE. Defaults to true for the production and staging profiles, and "
          + "for development only when vacuumAnalyzeSchedule is set. It runs on its own connection, so a "
          + "large table is not cut off by the operator's query timeout.")
  private Boolean vacuumAnalyzeEnabled;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public String getExporterImage() { return exporterImage; }
  public void setExporterImage(String exporterImage) { this.exporterImage = exporterImage; }
  public ResourceRequirements getExporterResources() { return exporterResources; }
  public void setExporterResources(ResourceRequirements exporterResources) { this.exporterResources = exporterResources; }
  public AlertThresholds getAlerts() { return alerts; }
  public void setAlerts(AlertThresholds alerts) { this.alerts = alerts; }
  public AlertingSpec getAlerting() { return alerting; }
  public void setAlerting(AlertingSpec alerting) { this.alerting = alerting; }
  public String getHealthCheckInterval() { return healthCheckInterval; }
  public void setHealthCheckInterval(String healthCheckInterval) { this.healthCheckInterval = healthCheckInterval; }
  public Boolean getVacuumAnalyzeEnabled() { return vacuumAnalyzeEnabled; }
  public void setVacuumAnalyzeEnabled(Boolean vacuumAnalyzeEnabled) { this.vacuumAnalyzeEnabled = vacuumAnalyzeEnabled; }
  public String getVacuumAnalyzeSchedule() { return vacuumAnalyzeSchedule; }
  public void setVacuumAnalyzeSchedule(String vacuumAnalyzeSchedule) { this.vacuumAnalyzeSchedule = vacuumAnalyzeSchedule; }
}
