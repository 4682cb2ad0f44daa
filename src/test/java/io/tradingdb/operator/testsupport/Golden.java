package io.tradingdb.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Golden files: builders' output compared as full YAML text with a committed file under
 * src/test/resources/golden. {@code -Dgolden.update=true} rewrites them; review the diff.
 */
public final class Golden {

  private static final Path ROOT = Path.of("src", "test", "resources", "golden");

  private Golden() {}

  public static void assertMatches(String name, List<?> objects) {
    String actual = objects.stream().map(Serialization::asYaml).collect(Collectors.joining());
    assertMatchesText(name, actual);
  }

  public static void assertMatchesText(String name, String actual) {
    Path file = ROOT.resolve(name);
    try {
      if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        if (!Boolean.getBoolean("golden.update")) {
          throw new AssertionError("golden file " + file + " did not exist; it was written, review and commit it");
        }
      }
      assertThat(actual)
          .as("output differs from %s (run with -Dgolden.update=true to accept the change)", file)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
