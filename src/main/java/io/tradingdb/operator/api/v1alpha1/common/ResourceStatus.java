package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What every kind's status reports first: the generation it describes, a phase, conditions. */
public abstract class ResourceStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Summary in one word, for kubectl get; the conditions say why.")
  private String phase;

  @JsonPropertyDescription(
      "Ready, Degraded and the kind's own conditions, each with a reason and a human message.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getPhase() { return phase; }
  public void setPhase(String phase) { this.phase = phase; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }

  /** Equality of the shared fields; subclasses add their own. */
  protected boolean sameBase(ResourceStatus other) {
    return Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(phase, other.phase)
        && Objects.equals(conditions, other.conditions);
  }
}
