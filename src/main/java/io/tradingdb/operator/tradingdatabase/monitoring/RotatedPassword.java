package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * How an exporter takes a rotated password without a pod restart. The exporters read their
 * password once, from an environment variable, when their container starts. The same Secret is
 * also mounted as a file, which kubelet updates after a rotation; a liveness probe compares the two
 * and fails once they differ, so kubelet restarts that container alone, and the new container
 * gets the new value. PostgreSQL and pgBouncer keep running. The probe prints nothing.
 */
public final class RotatedPassword {

  private RotatedPassword() {}

  public static Volume volume(String name, String secret) {
    return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret)
        .addNewItem().withKey(LoginSecrets.PASSWORD_KEY).withPath(LoginSecrets.PASSWORD_KEY).endItem()
        .withDefaultMode(0440).endSecret().build();
  }

  public static VolumeMount mount(String volume, String directory) {
    return new VolumeMountBuilder().withName(volume).withMountPath(directory).withReadOnly(true).build();
  }

  /** Fails when the mounted password is not the one in {@code env}. */
  public static Probe liveness(String directory, String env) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("/bin/sh", "-c", "[ \"$(cat " + directory + "/" + LoginSecrets.PASSWORD_KEY + ")\" = \"$" + env + "\" ]")
        .endExec()
        .withPeriodSeconds(10)
        .withTimeoutSeconds(5)
        .withFailureThreshold(1)
        .build();
  }
}
