package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.kube.EventRecorder;
import java.time.Clock;

/** Core v1 Events about a DbUser. Messages never carry a password or a connection string. */
final class DbUserEvents {

  private final EventRecorder recorder;

  DbUserEvents(KubernetesClient client, Clock clock) {
    this.recorder = new EventRecorder(client, clock);
  }

  void normal(DbUser user, String reason, String message) {
    recorder.record(user, EventRecorder.NORMAL, reason, message);
  }

  void warning(DbUser user, String reason, String message) {
    recorder.record(user, EventRecorder.WARNING, reason, message);
  }
}
