package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An Event's create that the HTTP client resent after the server had made it (409 AlreadyExists; the
 * names end in 64 random bits, so nothing else gives that answer) is recorded, not a WARN line: at
 * 1,000 new clusters one such WARN broke the operator's clean log. Any other failure still warns.
 */
@EnableKubernetesMockClient
class EventRecorderTest {

  private static final String EVENTS = "/api/v1/namespaces/trading/events";

  KubernetesMockServer server;
  KubernetesClient client;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(EventRecorder.class);

  @BeforeEach
  void capture() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logs);
  }

  private static ConfigMap subject() {
    return new ConfigMapBuilder().withNewMetadata().withName("market").withNamespace("trading").withUid("u-1")
        .endMetadata().build();
  }

  private List<String> warnings() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aResentCreateThatAlreadyExistsIsNotAWarning() {
    server.expect().post().withPath(EVENTS).andReturn(409, new StatusBuilder().withCode(409)
        .withReason("AlreadyExists").withMessage("events \"market.1f\" already exists").build()).once();

    new EventRecorder(client, Clock.systemUTC()).normal(subject(), "Ready", "all instances ready");

    assertThat(server.getRequestCount()).as("the create reached the server").isEqualTo(1);
    assertThat(warnings()).isEmpty();
  }

  @Test
  void otherFailuresStillWarnWithoutFailingTheCaller() {
    server.expect().post().withPath(EVENTS).andReturn(403, new StatusBuilder().withCode(403)
        .withReason("Forbidden").withMessage("events is forbidden").build()).once();
    server.expect().post().withPath(EVENTS).andReturn(409, new StatusBuilder().withCode(409)
        .withReason("Conflict").withMessage("the object has been modified").build()).once();

    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    events.warning(subject(), "Degraded", "one instance down");
    events.warning(subject(), "Degraded", "one instance down");

    assertThat(warnings()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("could not record event Degraded"));
  }
}
