package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Status conditions in the Kubernetes style shared by every reconciler: the transition time
 * changes only when the status value changes, so an unchanged state writes an identical status.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  /** Returns a new list with {@code type} set; other conditions are kept in order. */
  public static List<Condition> set(
      List<Condition> current, String type, boolean status, String reason, String message,
      Long observedGeneration, Clock clock) {
    List<Condition> result = new ArrayList<>(current == null ? List.of() : current);
    String statusText = status ? "True" : "False";
    Optional<Condition> existing = find(result, type);
    String transition =
        existing
            .filter(c -> statusText.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    Condition condition =
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusText)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(transition)
            .build();
    existing.ifPresentOrElse(
        old -> result.set(result.indexOf(old), condition), () -> result.add(condition));
    return result;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
