package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.Secret;
import io.tradingdb.operator.kube.SecretData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Secret values the suite-wide hygiene check searches logs, Events and statuses for. Tests on
 * the mock API server lose their Secrets when it stops, so they leave the values in
 * target/hygiene (build output, never committed) for SecretHygieneIT, which runs last.
 */
public final class SecretValues {

  private static final Set<String> KEYS =
      Set.of("password", "password-next", "restapi-password", "tls.key", "ca.key", "AWS_SECRET_ACCESS_KEY",
          // Alerting webhook URLs (spec.monitoring.alerting): whoever has one can post to the channel.
          "url");
  private static final Path RECORDED = Path.of("target/hygiene");

  private SecretValues() {}

  /** The protected values in a Secret, a PEM key by its body lines (which are what would leak). */
  public static List<String> of(Secret secret) {
    List<String> values = new ArrayList<>();
    SecretData.decode(secret).forEach((key, value) -> {
      if (KEYS.contains(key) || key.toLowerCase().contains("password")) {
        values.addAll(fragments(value));
      }
    });
    return values;
  }

  private static List<String> fragments(String value) {
    if (!value.contains("-----BEGIN")) {
      return value.length() >= 12 ? List.of(value) : List.of();
    }
    return value.lines().filter(l -> !l.startsWith("-----") && l.length() >= 40).toList();
  }

  /** Leaves {@code values} for SecretHygieneIT, one file per test class. */
  public static void record(String testClass, Collection<String> values) {
    try {
      Files.createDirectories(RECORDED);
      Files.write(RECORDED.resolve(testClass + ".txt"),
          values.stream().map(v -> Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))).toList(),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything recorded by {@link #record}, by test class. */
  public static java.util.Map<String, List<String>> recorded() {
    if (!Files.isDirectory(RECORDED)) {
      return java.util.Map.of();
    }
    try (Stream<Path> files = Files.list(RECORDED)) {
      java.util.Map<String, List<String>> byClass = new java.util.TreeMap<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".txt")).toList()) {
        byClass.put(file.getFileName().toString().replace(".txt", ""), Files.readAllLines(file).stream()
            .map(l -> new String(Base64.getDecoder().decode(l), StandardCharsets.UTF_8)).toList());
      }
      return byClass;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
