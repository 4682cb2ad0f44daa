package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secrets holding the password of one of the operator's service logins. The caller passes a
 * generated password once and never regenerates it.
 */
public final class LoginSecrets {

  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";

  private LoginSecrets() {}

  /** {@code extra} adds keys derived from the password (for example pgBouncer's auth file). */
  public static Secret build(
      String name, String namespace, Map<String, String> labels, String username, String password,
      Map<String, String> extra) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(USERNAME_KEY, username);
    data.put(PASSWORD_KEY, password);
    data.putAll(extra);
    Map<String, String> encoded = new LinkedHashMap<>();
    // Written as data, not stringData, so what is sent equals what is read back.
    data.forEach((k, v) ->
        encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withType("kubernetes.io/basic-auth")
        .withData(encoded)
        .build();
  }
}
