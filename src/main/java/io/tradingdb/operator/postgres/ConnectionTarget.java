package io.tradingdb.operator.postgres;

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
    int poolerPort) {}
