package io.tradingdb.operator.install;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chart under helm/tradingdb-operator, rendered and linted in-process by helm-java. helm-java loads its native
 * Helm library (about 94 MB unpacked) once per JVM, so every Helm test goes through this one class and runs in the
 * one surefire JVM.
 */
final class HelmChart {

  static final Path CHART_DIR = GeneratedFiles.PROJECT.resolve("helm/tradingdb-operator");
  static final String RELEASE = "tradingdb-operator";
  static final String NAMESPACE = "tradingdb-system";

  private static final Helm CHART = new Helm(CHART_DIR);

  private HelmChart() {}

  /** {@code helm template tradingdb-operator --namespace tradingdb-system -f <values>}. */
  static String template(String valuesYaml) {
    return template(CHART, valuesYaml);
  }

  /** The same for a modified copy of the chart (see {@link #copyChart(Path)}). */
  static String template(Path chartDir, String valuesYaml) {
    return template(new Helm(chartDir), valuesYaml);
  }

  private static String template(Helm chart, String valuesYaml) {
    Path values = writeTemp("values-", ".yaml", valuesYaml);
    try {
      return chart.template().withName(RELEASE).withNamespace(NAMESPACE).withValuesFile(values).call();
    } finally {
      deleteQuietly(values);
    }
  }

  /** {@code helm lint --strict} of a chart folder; helm lint reads only the chart's own values.yaml. */
  static LintResult lint(Path chartDir) {
    return new Helm(chartDir).lint().strict().call();
  }

  /** Copies the chart into {@code copy}, for tests that must change a file helm-java gives no flag for. */
  static Path copyChart(Path copy) {
    try (Stream<Path> files = Files.walk(CHART_DIR)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(CHART_DIR.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  /** Every YAML document of a multi-document stream, parsed into its fabric8 type. */
  static List<HasMetadata> parse(String multiDocumentYaml) {
    return Arrays.stream(multiDocumentYaml.split("(?m)^---\\s*$"))
        .filter(HelmChart::hasContent)
        .map(document -> (HasMetadata) Serialization.unmarshal(document))
        .toList();
  }

  private static boolean hasContent(String document) {
    return document.lines().map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
  }

  private static Path writeTemp(String prefix, String suffix, String text) {
    Path file;
    try {
      file = Files.createTempFile(prefix, suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GeneratedFiles.write(file, text);
    return file;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover temp file is harmless.
    }
  }
}
