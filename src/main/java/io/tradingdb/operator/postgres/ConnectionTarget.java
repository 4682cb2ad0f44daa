package io.tradingdb.operator.postgres;

import io.tradingdb.operator.api.v1alpha1.common.ExternalDatabase;
import io.tradingdb.operator.api.v1alpha1.common.SslMode;

/**
 * Where and as whom the operator (or a Job it starts) connects: the resolved form of a
 * DatabaseTarget. Holds Secret references, never the secret values themselves.
 *
 * @param host DNS name or address of the server
 * @param port TCP port
 * @param database database to connect to
 * @param sslMode libpq sslmode spelling, e.g. "require"
 * @param credentialsSecret Secret holding the admin credentials
 * @param usernameKey key of the user name in that Secret
 * @param passwordKey key of the password in that Secret
 * @param caSecret Secret holding the CA certificate, or null
 * @param caKey key of the CA certificate in caSecret, or null
 * @param poolerHost pgBouncer host for applications, or null when there is no pooler
 * @param poolerPort pgBouncer port, or 0
 */
public record ConnectionTarget(
    String host,
    int port,
    String database,
    String sslMode,
    String credentialsSecret,
    String usernameKey,
    String passwordKey,
    String caSecret,
    String caKey,
    String poolerHost,
    int poolerPort) {

  /** An external server: verify-full when a CA is given, otherwise require (never plaintext). */
  public static ConnectionTarget external(ExternalDatabase ext) {
    String caKey =
        ext.getCaSecretRef() == null
            ? null
            : ext.getCaSecretRef().getKey() == null ? "ca.crt" : ext.getCaSecretRef().getKey();
    SslMode mode =
        ext.getSslMode() != null
            ? ext.getSslMode()
            : ext.getCaSecretRef() != null ? SslMode.VERIFY_FULL : SslMode.REQUIRE;
    return new ConnectionTarget(
        ext.getHost(),
        ext.getPort() == null ? 5432 : ext.getPort(),
        ext.getDatabase(),
        mode.libpqName(),
        ext.getCredentialsSecretRef().getName(),
        "username",
        "password",
        ext.getCaSecretRef() == null ? null : ext.getCaSecretRef().getName(),
        caKey,
        null,
        0);
  }
}
