package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How an exporter takes a rotated password without a container restart. The exporters read their
 * password once, when they start. Their Secret is mounted as a file, which kubelet updates after a
 * rotation; the container's command is a small supervisor ({@code monitoring/run-exporter.sh}) that
 * hands the file's password to the exporter as an environment variable and restarts the exporter
 * process when the file changes. The container keeps running, so the pod stays Ready and its
 * Services keep sending it connections (a restarted container made the pooler's pod NotReady and
 * refused new pooler logins for about 18 s). The supervisor prints no password.
 */
public final class RotatedPassword {

  public static final String SCRIPT = load();

  private RotatedPassword() {}

  /** The login Secret's {@code keys} as files named after them. */
  public static Volume volume(String name, String secret, String... keys) {
    var source = new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret).withDefaultMode(0440);
    for (String key : keys) {
      source = source.addNewItem().withKey(key).withPath(key).endItem();
    }
    return source.endSecret().build();
  }

  public static VolumeMount mount(String volume, String directory) {
    return new VolumeMountBuilder().withName(volume).withMountPath(directory).withReadOnly(true).build();
  }

  /**
   * The container's command: the supervisor, then the exporter's own command line.
   *
   * @param directory where {@link #mount} puts the login's files
   * @param variables environment variable the exporter reads to the Secret key whose file holds it
   * @param exporter the exporter's binary and arguments (the image's entrypoint is replaced)
   */
  public static List<String> command(String directory, Map<String, String> variables, List<String> exporter) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "run-exporter"));
    variables.forEach((variable, key) -> command.add(variable + "=" + directory + "/" + key));
    command.add("--");
    command.addAll(exporter);
    return command;
  }

  private static String load() {
    try (InputStream in = RotatedPassword.class.getResourceAsStream("/monitoring/run-exporter.sh")) {
      if (in == null) {
        throw new IllegalStateException("monitoring/run-exporter.sh is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
