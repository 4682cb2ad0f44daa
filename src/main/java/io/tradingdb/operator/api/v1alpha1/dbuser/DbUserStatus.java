package io.tradingdb.operator.api.v1alpha1.dbuser;

import io.tradingdb.operator.api.v1alpha1.common.ResourceStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** What the operator observed and did. Never holds a password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DbUserStatus extends ResourceStatus {




  @JsonPropertyDescription("The PostgreSQL role this DbUser manages.")
  private String roleName;

  @JsonPropertyDescription("Name of the Secret with the connection details for applications.")
  private String connectionSecret;

  @JsonPropertyDescription("RFC 3339 time the operator last set the role's password.")
  private String passwordChangedAt;

  @JsonPropertyDescription("The applied privileges in words (at most 50 entries).")
  private List<String> appliedPrivileges;

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
        && sameBase(s)
        && Objects.equals(roleName, s.roleName)
        && Objects.equals(connectionSecret, s.connectionSecret)
        && Objects.equals(passwordChangedAt, s.passwordChangedAt)
        && Objects.equals(appliedPrivileges, s.appliedPrivileges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(getObservedGeneration(), getPhase(), getConditions(), roleName, connectionSecret, passwordChangedAt);
  }
}
