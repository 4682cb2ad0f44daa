package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.kube.SecretData;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.postgres.ConnectionTarget;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Secret applications read: how to reach the database as the role. Built as a pure function;
 * it also keeps the generated password, so it is the password's single source of truth.
 */
public final class ConnectionSecrets {

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  /** A password written before ALTER ROLE during a rotation, promoted to {@link #PASSWORD} after. */
  public static final String NEXT_PASSWORD = "password-next";
  public static final String PASSWORD_CHANGED_AT = "tradingdb.io/password-changed-at";
  public static final String COMPONENT = "connection";

  private ConnectionSecrets() {}

  /** Data keys and values (plain text) for the role reaching {@code target}. */
  public static Map<String, String> data(ConnectionTarget target, String role, String password) {
    return data(target, role, password, null);
  }

  /**
   * The same, with the CA certificate that signed the server's certificate under "ca.crt" when it
   * is known: clients mount it and connect with sslmode=verify-full and sslrootcert.
   */
  public static Map<String, String> data(
      ConnectionTarget target, String role, String password, String caCertificatePem) {
    Map<String, String> data = new TreeMap<>();
    data.put(USERNAME, role);
    data.put(PASSWORD, password);
    data.put("host", target.host());
    data.put("port", Integer.toString(target.port()));
    data.put("dbname", target.database());
    data.put("sslmode", target.sslMode());
    data.put("uri", uri(target.host(), target.port(), target.database(), role, password, target.sslMode()));
    data.put("jdbc-uri", jdbcUri(target.host(), target.port(), target.database(), role, password, target.sslMode()));
    if (caCertificatePem != null) {
      data.put("ca.crt", caCertificatePem);
    }
    if (target.poolerHost() != null) {
      data.put("pooler-host", target.poolerHost());
      data.put("pooler-port", Integer.toString(target.poolerPort()));
      data.put("pooler-uri",
          uri(target.poolerHost(), target.poolerPort(), target.database(), role, password, target.sslMode()));
      data.put("pooler-jdbc-uri",
          jdbcUri(target.poolerHost(), target.poolerPort(), target.database(), role, password, target.sslMode()));
    }
    return data;
  }

  /** The Secret object, labelled and owned by the DbUser so it is garbage-collected with it. */
  public static Secret build(DbUser owner, String name, Map<String, String> data, String passwordChangedAt) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (passwordChangedAt != null) {
      annotations.put(PASSWORD_CHANGED_AT, passwordChangedAt);
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(Labels.of("dbuser", owner.getMetadata().getName(), COMPONENT))
        .withAnnotations(annotations)
        .withOwnerReferences(Owners.controllerReference(owner))
        .endMetadata()
        .withType("Opaque")
        .withData(encode(data))
        .build();
  }

  /** The Secret's data decoded; empty for a null Secret. */
  public static Map<String, String> decode(Secret secret) {
    return SecretData.decode(secret);
  }

  public static boolean isOwnedBy(Secret secret, DbUser owner) {
    return secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> owner.getMetadata().getUid().equals(ref.getUid()));
  }

  /** Made by the operator (credentials, connection Secrets): never a source for a DbUser's password. */
  public static boolean isOperatorManaged(Secret secret) {
    return secret != null && secret.getMetadata().getLabels() != null
        && Labels.OPERATOR.equals(secret.getMetadata().getLabels().get(Labels.MANAGED_BY));
  }

  private static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> encoded = new TreeMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }

  private static String uri(String host, int port, String database, String role, String password, String sslMode) {
    return "postgresql://" + encode(role) + ":" + encode(password) + "@" + hostPart(host) + ":" + port + "/"
        + encode(database) + "?sslmode=" + encode(sslMode);
  }

  private static String jdbcUri(String host, int port, String database, String role, String password, String sslMode) {
    return "jdbc:postgresql://" + hostPart(host) + ":" + port + "/" + encode(database) + "?user=" + encode(role)
        + "&password=" + encode(password) + "&sslmode=" + encode(sslMode);
  }

  private static String hostPart(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
