package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.testsupport.RealCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input corpus (src/test/resources/invalid/<kind>/*.yaml) against the real API server
 * with the operator running. Each file says where it must be caught ({@code # where:} schema, cel
 * or operator) and what the user must read ({@code # expect:}); schema and CEL cases must be
 * refused at admission naming the field, operator cases must end Degraded with that message.
 */
class InvalidResourcesIT {

  static final Path CORPUS = Path.of("src/test/resources/invalid");
  static KubernetesClient client;
  static OperatorHarness operator;
  static String ns;
  static final AtomicInteger counter = new AtomicInteger();

  record Case(Path file, String expect, String where, String updateFrom, String yaml) {}

  @BeforeAll
  static void start() {
    client = RealCluster.client();
    RealCluster.installCrds(client);
    ns = RealCluster.createNamespace(client, "corpus", Map.of());
    operator = new OperatorHarness(RealCluster.client(), ns);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidResourceIsRefusedOrReported() throws IOException {
    List<Case> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(150);
    return cases.stream().map(c -> DynamicTest.dynamicTest(CORPUS.relativize(c.file()).toString(), () -> check(c)));
  }

  private static void check(Case c) throws IOException {
    String name = "case-" + counter.incrementAndGet();
    GenericKubernetesResource resource = load(c.yaml(), name);
    if (c.updateFrom() != null) {
      GenericKubernetesResource base =
          load(Files.readString(c.file().getParent().resolve(c.updateFrom())), name);
      client.resource(base).create();
    }
    switch (c.where()) {
      case "schema", "cel" -> {
        assertThatThrownBy(() -> write(resource, c.updateFrom() != null))
            .isInstanceOf(KubernetesClientException.class)
            .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
            .hasMessageContaining(c.expect());
      }
      case "operator" -> {
        write(resource, c.updateFrom() != null);
        await().atMost(RealCluster.timeout()).untilAsserted(() -> {
          GenericKubernetesResource current = client.genericKubernetesResources(
              resource.getApiVersion(), resource.getKind()).inNamespace(ns).withName(name).get();
          Map<String, Object> degraded = condition(current, "Degraded");
          assertThat(degraded).as("Degraded condition of " + c.file()).isNotNull();
          assertThat(degraded.get("status")).isEqualTo("True");
          assertThat((String) degraded.get("message")).contains(c.expect());
        });
        GenericKubernetesResource current = client.genericKubernetesResources(resource.getApiVersion(), resource.getKind())
            .inNamespace(ns).withName(name).get();
        assertNothingCreatedAndOneEvent(current, c);
      }
      default -> throw new IllegalStateException(c.file() + ": unknown '# where: " + c.where() + "'");
    }
  }

  /**
   * A refused spec leaves nothing behind (no Service, Secret, RBAC, ConfigMap, workload) and is reported by
   * exactly one Warning Event: by the time the Degraded condition is there, the reconcile that wrote it is done.
   */
  private static void assertNothingCreatedAndOneEvent(GenericKubernetesResource refused, Case c) {
    String uid = refused.getMetadata().getUid();
    List<io.fabric8.kubernetes.api.model.HasMetadata> owned = new ArrayList<>();
    owned.addAll(client.services().inNamespace(ns).list().getItems());
    owned.addAll(client.secrets().inNamespace(ns).list().getItems());
    owned.addAll(client.configMaps().inNamespace(ns).list().getItems());
    owned.addAll(client.serviceAccounts().inNamespace(ns).list().getItems());
    owned.addAll(client.rbac().roles().inNamespace(ns).list().getItems());
    owned.addAll(client.rbac().roleBindings().inNamespace(ns).list().getItems());
    owned.addAll(client.apps().statefulSets().inNamespace(ns).list().getItems());
    owned.addAll(client.apps().deployments().inNamespace(ns).list().getItems());
    owned.addAll(client.batch().v1().cronjobs().inNamespace(ns).list().getItems());
    owned.addAll(client.batch().v1().jobs().inNamespace(ns).list().getItems());
    owned.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
    assertThat(owned).as("objects owned by the refused " + c.file())
        .noneMatch(o -> o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
            .anyMatch(r -> uid.equals(r.getUid())));
    List<io.fabric8.kubernetes.api.model.Event> events = client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> uid.equals(e.getInvolvedObject().getUid())).toList();
    assertThat(events).as("Events about " + c.file()).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
  }

  private static void write(GenericKubernetesResource resource, boolean update) {
    if (update) {
      client.resource(resource).fieldManager("kubectl").forceConflicts().serverSideApply();
    } else {
      client.resource(resource).create();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> condition(GenericKubernetesResource resource, String type) {
    Object status = resource.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> list)) {
      return null;
    }
    return list.stream().map(o -> (Map<String, Object>) o)
        .filter(m -> type.equals(m.get("type"))).findFirst().orElse(null);
  }

  private static GenericKubernetesResource load(String yaml, String name) {
    GenericKubernetesResource resource = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(ns);
    resource.getMetadata().setName(name);
    return resource;
  }

  static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CORPUS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getParent().getFileName().toString().equals("base")) {
          continue;
        }
        String yaml = Files.readString(file);
        cases.add(new Case(file, header(yaml, "expect"), header(yaml, "where").toLowerCase(Locale.ROOT),
            headerOrNull(yaml, "update-from"), yaml));
      }
    }
    return cases;
  }

  private static String header(String yaml, String key) {
    String value = headerOrNull(yaml, key);
    if (value == null) {
      throw new IllegalStateException("corpus file lacks '# " + key + ":'");
    }
    return value;
  }

  private static String headerOrNull(String yaml, String key) {
    for (String line : yaml.lines().toList()) {
      if (line.startsWith("# " + key + ":")) {
        return line.substring(key.length() + 3).trim();
      }
    }
    return null;
  }
}
