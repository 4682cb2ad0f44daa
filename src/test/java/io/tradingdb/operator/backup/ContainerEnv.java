package io.tradingdb.operator.backup;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as the kubelet would give it, for running its command on this
 * machine: plain values as they are, Secret references resolved from test values. Field
 * references (pod name, IP) are left to the caller, which knows this machine's values.
 */
final class ContainerEnv {

  private ContainerEnv() {}

  /** {@code secrets}: Secret name to key to value. A missing key fails unless the reference is optional. */
  static Map<String, String> resolve(List<EnvVar> vars, Map<String, Map<String, String>> secrets) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : vars) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
        continue;
      }
      SecretKeySelector ref = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
      if (ref == null) {
        continue;
      }
      String value = secrets.getOrDefault(ref.getName(), Map.of()).get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new IllegalStateException("test secret " + ref.getName() + "/" + ref.getKey() + " missing");
      }
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    return env;
  }
}
