package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events are sent in the background: every one recorded arrives, as it was recorded. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

  KubernetesClient client;

  static HasMetadata subject(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("trading").withUid("uid-" + name)
        .endMetadata().build();
  }

  @Test
  void recordedEventsReachTheApiServerWithTheirReasonTypeAndSubject() throws InterruptedException {
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    for (int i = 0; i < 50; i++) {
      events.normal(subject("db-" + i), "Creating", "creating db-" + i);
    }
    events.warning(subject("db-0"), "Degraded", "1 of 2 instances ready");

    assertThat(events.flush(Duration.ofSeconds(20))).as("sent within 20 s").isTrue();
    List<Event> stored = client.v1().events().inNamespace("trading").list().getItems();
    assertThat(stored).hasSize(51);
    assertThat(stored).filteredOn(e -> "Degraded".equals(e.getReason())).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("db-0");
      assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-db-0");
      assertThat(e.getMessage()).isEqualTo("1 of 2 instances ready");
      assertThat(e.getSource().getComponent()).isEqualTo(Labels.OPERATOR);
    });
    assertThat(stored).filteredOn(e -> "Creating".equals(e.getReason())).hasSize(50)
        .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Normal"));
    assertThat(EventRecorder.dropped()).as("events dropped").isZero();
  }
}
