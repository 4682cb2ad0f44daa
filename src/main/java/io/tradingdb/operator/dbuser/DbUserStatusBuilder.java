package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.api.model.Condition;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUserStatus;
import io.tradingdb.operator.kube.Conditions;
import java.time.Clock;
import java.util.List;

/** A DbUser's status from the outcome of a pass and the previous status, as ClusterStatus is for clusters. */
final class DbUserStatusBuilder {

  private DbUserStatusBuilder() {}

  static DbUserStatus build(DbUser user, DbUserStatus previous, DbUserOutcome outcome, Clock clock) {
    DbUserStatus next = new DbUserStatus();
    Long generation = user.getMetadata().getGeneration();
    next.setObservedGeneration(generation);
    next.setRoleName(user.getSpec() == null ? null : user.getSpec().getRoleName());
    boolean ready = outcome.reason() == null;
    String reason = ready ? DbUserReconciler.REASON_RECONCILED : outcome.reason();
    List<Condition> conditions = previous == null ? List.of() : previous.getConditions();
    conditions = Conditions.set(conditions, Conditions.READY, ready, reason, outcome.message(), generation, clock);
    conditions = Conditions.set(conditions, Conditions.DEGRADED, !ready, reason, ready ? "" : outcome.message(),
        generation, clock);
    next.setConditions(conditions);
    next.setPhase(ready ? "Ready" : "Degraded");
    boolean applied = outcome.appliedPrivileges() != null;
    next.setConnectionSecret(applied || outcome.secretWritten()
        ? DbUserModel.connectionSecretName(user)
        : previous == null ? null : previous.getConnectionSecret());
    next.setPasswordChangedAt(applied ? outcome.passwordChangedAt() : previous == null ? null : previous.getPasswordChangedAt());
    next.setAppliedPrivileges(applied ? outcome.appliedPrivileges() : previous == null ? null : previous.getAppliedPrivileges());
    return next;
  }
}
