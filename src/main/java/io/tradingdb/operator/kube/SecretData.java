package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** Reads a Secret's values; the single place that decodes them. Never log what it returns. */
public final class SecretData {

  private SecretData() {}

  /** The Secret's data decoded, with stringData (not yet converted by a server) on top; empty for null. */
  public static Map<String, String> decode(Secret secret) {
    Map<String, String> result = new TreeMap<>();
    if (secret == null) {
      return result;
    }
    if (secret.getData() != null) {
      secret.getData().forEach(
          (k, v) -> result.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      result.putAll(secret.getStringData());
    }
    return result;
  }

  /** One value, or null when the Secret or the key is missing. */
  public static String value(Secret secret, String key) {
    return decode(secret).get(key);
  }
}
