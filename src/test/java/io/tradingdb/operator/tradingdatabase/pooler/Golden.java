package io.tradingdb.operator.tradingdatabase.pooler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file under src/test/resources. {@code -Dgolden.update=true}
 * rewrites the files instead; review the diff before committing it.
 */
public final class Golden {

  private static final Path ROOT = Path.of("src/test/resources");

  private Golden() {}

  public static void assertYaml(String resource, Object object) {
    assertText(resource, Serialization.asYaml(object));
  }

  public static void assertText(String resource, String actual) {
    Path file = ROOT.resolve(resource);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      assertThat(file).as("golden file %s (create it with -Dgolden.update=true)", file).exists();
      assertThat(actual).as("generated text versus %s", file)
          .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
