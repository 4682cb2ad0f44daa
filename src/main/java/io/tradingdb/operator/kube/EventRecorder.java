package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events for state transitions, for all three kinds. Best effort: an Event that
 * cannot be written never fails a reconcile. Messages must never contain secret values; callers
 * pass plain facts.
 */
public class EventRecorder {

  private static final String NORMAL = "Normal";
  private static final String WARNING = "Warning";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata subject, String reason, String message) {
    record(subject, NORMAL, reason, message);
  }

  public void warning(HasMetadata subject, String reason, String message) {
    record(subject, WARNING, reason, message);
  }

  private void record(HasMetadata subject, String type, String reason, String message) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(subject.getMetadata().getName() + "." + suffix)
            .withNamespace(subject.getMetadata().getNamespace())
            .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(subject.getApiVersion())
            .withKind(subject.getKind())
            .withName(subject.getMetadata().getName())
            .withNamespace(subject.getMetadata().getNamespace())
            .withUid(subject.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(truncate(message))
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(Labels.OPERATOR)
            .endSource()
            .withReportingComponent(Labels.OPERATOR)
            .build();
    try {
      client.v1().events().inNamespace(subject.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      if (AlreadyCreated.isAlreadyExists(e)) {
        // The name ends in 64 random bits: only this create, resent by the HTTP client, made it before.
        LOG.debug("event {} for {} was already recorded (a create the client resent)", reason,
            subject.getMetadata().getName());
        return;
      }
      LOG.warn("could not record event {} for {}: {}", reason, subject.getMetadata().getName(), e.getMessage());
    }
  }

  private static String truncate(String message) {
    return message == null || message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
  }
}
