package io.tradingdb.operator.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A text file shipped in the operator's jar (scripts, queries), read whole as UTF-8. */
public final class ClasspathText {

  private ClasspathText() {}

  /** @param path absolute classpath path, for example "/pooler/run-pgbouncer.sh" */
  public static String read(String path) {
    try (InputStream in = ClasspathText.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
