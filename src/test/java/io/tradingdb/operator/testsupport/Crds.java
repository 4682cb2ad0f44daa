package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The CRDs the build generated from the Java model (target/classes/META-INF/fabric8). */
public final class Crds {

  public static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");

  private Crds() {}

  public static List<Path> generatedFiles() {
    try (Stream<Path> files = Files.list(GENERATED)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("no generated CRDs in " + GENERATED + "; run mvn process-classes", e);
    }
  }

  /** Creates every generated CRD; the mock server honours /status only for CRDs it knows. */
  public static void install(KubernetesClient client) {
    for (Path file : generatedFiles()) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }
}
