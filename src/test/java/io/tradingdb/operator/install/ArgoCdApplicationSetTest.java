package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import org.junit.jupiter.api.Test;

/**
 * The environments ApplicationSet: one Application per environment pointing at an existing folder, synced after the
 * operator, and folders holding only TradingDatabases whose specs are the samples'.
 */
class ArgoCdApplicationSetTest {

  private static final Path ARGOCD = GeneratedFiles.PROJECT.resolve("argocd");
  private static final Map<String, String> NAMESPACES =
      Map.of("development", "trading-dev", "staging", "trading-staging", "production", "trading-prod");

  @Test
  @SuppressWarnings("unchecked")
  void oneApplicationPerEnvironmentIntoItsNamespace() {
    Map<String, Object> set = yaml(ARGOCD.resolve("applicationset.yaml"));
    assertThat(set.get("kind")).isEqualTo("ApplicationSet");
    List<Map<String, Object>> generators = (List<Map<String, Object>>) at(set, "spec", "generators");
    List<Map<String, String>> elements =
        (List<Map<String, String>>) ((Map<String, Object>) generators.get(0).get("list")).get("elements");

    assertThat(elements).hasSize(3).allSatisfy(e -> {
      assertThat(NAMESPACES).containsEntry(e.get("environment"), e.get("namespace"));
      assertThat(ARGOCD.resolve("environments").resolve(e.get("environment"))).isDirectory();
    });
    assertThat(at(set, "spec", "template", "spec", "source", "path")).isEqualTo("argocd/environments/{{.environment}}");
    assertThat(at(set, "spec", "template", "spec", "destination", "namespace")).isEqualTo("{{.namespace}}");
    assertThat((List<String>) at(set, "spec", "template", "spec", "syncPolicy", "syncOptions"))
        .contains("CreateNamespace=true", "ServerSideApply=true");
  }

  @Test
  void operatorSyncsBeforeTheEnvironments() {
    Map<String, Object> root = yaml(ARGOCD.resolve("root-application.yaml"));
    assertThat(at(root, "spec", "source", "directory", "include")).isEqualTo("{application.yaml,applicationset.yaml}");
    int operatorWave = wave(yaml(ARGOCD.resolve("application.yaml")));
    int environmentsWave = wave(yaml(ARGOCD.resolve("applicationset.yaml")));

    assertThat(operatorWave).isLessThan(environmentsWave);
  }

  @Test
  void environmentsHoldTheSampleTradingDatabasesAfterTheOperatorsWaves() {
    for (String environment : NAMESPACES.keySet()) {
      List<Path> files = files(ARGOCD.resolve("environments").resolve(environment));
      assertThat(files).as(environment).isNotEmpty();
      for (Path file : files) {
        Map<String, Object> object = yaml(file);
        assertThat(object.get("kind")).as(file.toString()).isEqualTo("TradingDatabase");
        assertThat(wave(object)).as(file.toString()).isGreaterThanOrEqualTo(1);
        assertThat(at(object, "metadata", "namespace")).as("the Application's destination decides").isNull();
        Map<String, Object> sample = yaml(GeneratedFiles.PROJECT.resolve("samples/tradingdatabase-" + environment + ".yaml"));
        assertThat(object.get("spec")).as(file.toString()).isEqualTo(sample.get("spec"));
        TradingDatabase db = Serialization.unmarshal(GeneratedFiles.read(file), TradingDatabase.class);
        db.getMetadata().setNamespace(NAMESPACES.get(environment));
        assertThat(ClusterModel.from(db).names().namespace()).isEqualTo(NAMESPACES.get(environment));
      }
    }
  }

  private static int wave(Map<String, Object> object) {
    return Integer.parseInt((String) at(object, "metadata", "annotations", "argocd.argoproj.io/sync-wave"));
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> object, String... path) {
    Object value = object;
    for (String key : path) {
      value = value == null ? null : ((Map<String, Object>) value).get(key);
    }
    return value;
  }

  private static Map<String, Object> yaml(Path file) {
    return ArgoCdHealthChecks.parse(GeneratedFiles.read(file));
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
