package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Full-text golden files under src/test/resources/backup/golden; -Dgolden.update=true rewrites them. */
public final class Golden {

  private static final Path DIR = Path.of("src/test/resources/backup/golden");

  private Golden() {}

  public static void assertYaml(String file, Object object) throws IOException {
    assertText(file, Serialization.asYaml(object));
  }

  public static void assertText(String file, String actual) throws IOException {
    Path path = DIR.resolve(file);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(path.getParent());
      Files.writeString(path, actual, StandardCharsets.UTF_8);
    }
    assertThat(path).as("golden file %s missing; run with -Dgolden.update=true", path).exists();
    assertThat(actual).isEqualTo(Files.readString(path, StandardCharsets.UTF_8));
  }
}
