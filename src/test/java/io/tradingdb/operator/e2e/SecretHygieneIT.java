package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.SecretValues;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other integration test (its own failsafe execution). Collects every secret
 * value the suite created (the Secrets left on the real API server, those the PostgreSQL-backed
 * tests on the mock API server recorded, the test PostgreSQL's admin password) and searches every place a user or a log collector reads for them: the logs of the
 * test JVMs (operator logs included), all Events, and the status of every custom resource.
 */
class SecretHygieneIT {

  @Test
  void noSecretValueAppearsInLogsEventsOrStatus() throws IOException {
    try (KubernetesClient client = RealCluster.client()) {
      Set<String> values = new LinkedHashSet<>();
      for (Secret secret : client.secrets().inAnyNamespace().list().getItems()) {
        values.addAll(SecretValues.of(secret));
      }
      Map<String, List<String>> onMock = SecretValues.recorded();
      // The DbUser ITs generate passwords into Secrets on the mock server and set them in PostgreSQL.
      assertThat(onMock.getOrDefault("DbUserReconcilerIT", List.of()).size())
          .as("passwords recorded by DbUserReconcilerIT on the mock server").isPositive();
      onMock.values().forEach(values::addAll);
      values.add(TestPostgres.adminPassword());
      // Sizes only: a failing assertion must not print the values it protects.
      assertThat(values.size()).as("number of secret values created by the suite").isGreaterThan(5);

      Map<String, String> places = new LinkedHashMap<>();
      for (Event event : client.v1().events().inAnyNamespace().list().getItems()) {
        places.put("event " + event.getMetadata().getNamespace() + "/" + event.getMetadata().getName(),
            event.getMessage() + " " + event.getReason());
      }
      for (GenericKubernetesResource r : customResources(client)) {
        places.put(r.getKind() + " " + r.getMetadata().getNamespace() + "/"
            + r.getMetadata().getName() + " status", Serialization.asJson(r.getAdditionalProperties().get("status")));
      }
      for (Path log : testLogs()) {
        places.put(log.toString(), Files.readString(log));
      }
      assertThat(places.keySet()).anyMatch(p -> p.startsWith("event"));
      assertThat(places.keySet()).anyMatch(p -> p.endsWith("-output.txt"));

      List<String> hits = new ArrayList<>();
      places.forEach((place, text) -> {
        for (String value : values) {
          if (text != null && text.contains(value)) {
            hits.add(place);
          }
        }
      });
      assertThat(hits).as("places containing a secret value (%d values, %d places searched)",
          values.size(), places.size()).isEmpty();
    }
  }

  /**
   * Every condition and Event the suite left is one human sentence: no stack trace, no second line, and
   * never a Java exception's class name leaking in (the full error goes to the operator's log).
   */
  @Test
  void conditionAndEventMessagesAreSingleSentencesWithoutStackTraces() {
    try (KubernetesClient client = RealCluster.client()) {
      Map<String, String> messages = new LinkedHashMap<>();
      for (Event event : client.v1().events().inAnyNamespace().list().getItems()) {
        if ("tradingdb-operator".equals(event.getReportingComponent())) {
          messages.put("event " + event.getMetadata().getNamespace() + "/" + event.getMetadata().getName(),
              event.getMessage());
        }
      }
      for (GenericKubernetesResource r : customResources(client)) {
        if (r.getAdditionalProperties().get("status") instanceof Map<?, ?> status
            && status.get("conditions") instanceof List<?> conditions) {
          for (Object condition : conditions) {
            if (condition instanceof Map<?, ?> c && c.get("message") instanceof String message) {
              messages.put(r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName() + " "
                  + c.get("type"), message);
            }
          }
        }
      }
      assertThat(messages.keySet()).anyMatch(p -> p.startsWith("event")).anyMatch(p -> p.startsWith("TradingDatabase"))
          .anyMatch(p -> p.startsWith("DbUser")).anyMatch(p -> p.startsWith("BackupSchedule"));
      assertThat(messages).allSatisfy((place, message) -> assertThat(message).as(place)
          .doesNotContain("\n").doesNotContain("\tat ").doesNotContainPattern("\\b[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)+\\.[A-Z]\\w*(Exception|Error)\\b")
          .hasSizeLessThanOrEqualTo(1024));
    }
  }

  /** Every TradingDatabase, BackupSchedule and DbUser on the API server. */
  private static List<GenericKubernetesResource> customResources(KubernetesClient client) {
    List<GenericKubernetesResource> resources = new ArrayList<>();
    for (var crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (!"tradingdb.io".equals(crd.getSpec().getGroup())) {
        continue;
      }
      var kind = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
          .withGroup(crd.getSpec().getGroup()).withVersion(crd.getSpec().getVersions().get(0).getName())
          .withKind(crd.getSpec().getNames().getKind()).withPlural(crd.getSpec().getNames().getPlural())
          .withNamespaced(true).build();
      for (GenericKubernetesResource r : client.genericKubernetesResources(kind).inAnyNamespace().list().getItems()) {
        r.setKind(crd.getSpec().getNames().getKind());
        resources.add(r);
      }
    }
    return resources;
  }

  private static List<Path> testLogs() throws IOException {
    List<Path> logs = new ArrayList<>();
    for (Path dir : List.of(Path.of("target/failsafe-reports"), Path.of("target/surefire-reports"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          files.filter(f -> f.toString().endsWith("-output.txt")).forEach(logs::add);
        }
      }
    }
    return logs;
  }
}
