package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed and did. Never holds a password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DbUserStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Summary in words: Ready, Pending or Degraded.")
  private String phase;

  @JsonPropertyDescription(
      "Ready and Degraded. Degraded reasons: DatabaseUnreachable, PermissionDenied, InvalidSpec, "
          + "ObjectMissing, RoleConflict.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The PostgreSQL role this DbUser manages.")
  private String roleName;

  @JsonPropertyDescription("Name of the Secret with the connection details for applications.")
  private String connectionSecret;

  @JsonPropertyDescription("RFC 3339 time the operator last set the role's password.")
  private String passwordChangedAt;

  @JsonPropertyDescription("The applied privileges in words (at most 50 entries).")
  private List<String> appliedPrivileges;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getPhase() { return phase; }
  public void setPhase(String phase) { this.phase = phase; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public String getRoleName() { return roleName; }
  public void setRoleName(String roleName) { this.roleName = roleName; }
  public String getConnectionSecret() { return connectionSecret; }
  public void setConnectionSecret(String connectionSecret) { this.connectionSecret = connectionSecret; }
  public String getPasswordChangedAt() { return passwordChangedAt; }
  public void setPasswordChangedAt(String passwordChangedAt) { this.passwordChangedAt = passwordChangedAt; }
  public List<String> getAppliedPrivileges() { return appliedPrivileges; }
  public void setAppliedPrivileges(List<String> appliedPrivileges) { this.appliedPrivileges = appliedPrivileges; }

  @Override
  public boolean equals(Object o) {
    return o instanceof DbUserStatus s
        && Objects.equals(observedGeneration, s.observedGeneration) && Objects.equals(phase, s.phase)
        && Objects.equals(conditions, s.conditions) && Objects.equals(roleName, s.roleName)
        && Objects.equals(connectionSecret, s.connectionSecret)
        && Objects.equals(passwordChangedAt, s.passwordChangedAt)
        && Objects.equals(appliedPrivileges, s.appliedPrivileges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions, roleName, connectionSecret, passwordChangedAt);
  }
}
