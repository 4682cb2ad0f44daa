package io.tradingdb.operator.tradingdatabase.status;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PendingRestart;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RequestResult;
import java.util.List;

/**
 * What the operator found and did through Patroni's REST API in one reconcile.
 *
 * @param pendingRestart the members waiting for a restart; null when Patroni could not be asked
 * @param rejected PostgreSQL's messages for the refused parameter values, joined; null when none
 * @param applying what was just written to the DCS, which the members reload within Patroni's loop; null when nothing
 * @param step what the restart is doing or waiting for; null when nothing waits
 * @param error why Patroni could not be reached or refused a call; null when it answered
 * @param restart the tradingdb.io/restart request's result; null leaves the previous one
 * @param switchover the tradingdb.io/switchover-to request's result; null leaves the previous one
 */
public record PatroniOutcome(
    List<PendingRestart> pendingRestart, String rejected, String applying, String step, String error,
    RequestResult restart, RequestResult switchover) {

  /** Whether something is under way that the operator must look at again soon. */
  public boolean busy() {
    return (pendingRestart != null && !pendingRestart.isEmpty()) || applying != null || step != null || error != null
        || (restart != null && "InProgress".equals(restart.getResult()))
        || (switchover != null && "InProgress".equals(switchover.getResult()));
  }
}
