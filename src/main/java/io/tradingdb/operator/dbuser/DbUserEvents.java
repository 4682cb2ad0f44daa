package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Core v1 Events about a DbUser. Messages never carry a password or a connection string. */
final class DbUserEvents {

  private static final Logger LOG = LoggerFactory.getLogger(DbUserEvents.class);
  static final String COMPONENT = "tradingdb-operator";

  private final KubernetesClient client;
  private final Clock clock;

  DbUserEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void normal(DbUser user, String reason, String message) {
    emit(user, "Normal", reason, message);
  }

  void warning(DbUser user, String reason, String message) {
    emit(user, "Warning", reason, message);
  }

  private void emit(DbUser user, String type, String reason, String message) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    Event event = new EventBuilder()
        .withNewMetadata()
        .withName(user.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
        .withNamespace(user.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(user.getApiVersion())
        .withKind(user.getKind())
        .withName(user.getMetadata().getName())
        .withNamespace(user.getMetadata().getNamespace())
        .withUid(user.getMetadata().getUid())
        .withResourceVersion(user.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(user.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: losing one must not fail the reconcile.
      LOG.warn("could not record event {} for DbUser {}/{}: {}", reason,
          user.getMetadata().getNamespace(), user.getMetadata().getName(), e.getMessage());
    }
  }
}
