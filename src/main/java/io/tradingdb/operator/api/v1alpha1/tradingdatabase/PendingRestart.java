package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** An instance whose PostgreSQL waits for a restart to apply a parameter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PendingRestart {
  @JsonPropertyDescription("The instance's pod.")
  private String pod;
  @JsonPropertyDescription("Whether the pod is the primary now (it restarts last, after a switchover).")
  private Boolean primary;
  @JsonPropertyDescription("The parameters that need the restart, as Patroni reports them.")
  private List<String> parameters;

  public PendingRestart() {}

  public PendingRestart(String pod, boolean primary, List<String> parameters) {
    this.pod = pod;
    this.primary = primary;
    this.parameters = parameters == null || parameters.isEmpty() ? null : List.copyOf(parameters);
  }

  public String getPod() { return pod; }
  public void setPod(String pod) { this.pod = pod; }
  public Boolean getPrimary() { return primary; }
  public void setPrimary(Boolean primary) { this.primary = primary; }
  public List<String> getParameters() { return parameters; }
  public void setParameters(List<String> parameters) { this.parameters = parameters; }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingRestart p && Objects.equals(pod, p.pod) && Objects.equals(primary, p.primary)
        && Objects.equals(parameters, p.parameters);
  }

  @Override
  public int hashCode() { return Objects.hash(pod, primary, parameters); }
}
