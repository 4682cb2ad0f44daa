package io.tradingdb.operator.tradingdatabase.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.file.Files;
import java.nio.file.Path;
import io.tradingdb.operator.postgres.ServedCertificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * TLS on both sides with the generated settings: clients must use TLS to reach pgBouncer, and
 * pgBouncer verifies the server's certificate (verify-full) and talks TLS to PostgreSQL.
 */
class PgBouncerTlsIT {

  private static final String DATABASE = "tlsapp";
  private static final String USER = "trader";

  @Test
  void bothHopsUseTls() throws Exception {
    Map<String, String> pki = certificates();
    String appPassword = LocalProcesses.randomPassword();
    String lookupPassword = LocalProcesses.randomPassword();
    try (LocalPostgres postgres = LocalPostgres.start(
        LocalProcesses.freePort(),
        Map.of("server.crt", pki.get("tls.crt"), "server.key", pki.get("tls.key")),
        "ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'")) {
      postgres.createPooledDatabase(DATABASE, USER, appPassword, lookupPassword);
      ClusterModel model = TestClusters.model("test", "tls", """
            databaseName: %s
            pooler: {enabled: true}
          """.formatted(DATABASE));
      assertThat(model.tlsEnabled()).isTrue();
      try (LocalPgBouncer bouncer = LocalPgBouncer.start(
          model, "127.0.0.1", postgres.port(), lookupPassword,
          Map.of("tls.crt", pki.get("tls.crt"), "tls.key", pki.get("tls.key"), "ca.crt", pki.get("ca.crt")))) {
        Path ca = Files.createTempFile("tradingdb-ca", ".crt");
        Files.writeString(ca, pki.get("ca.crt"));
        Properties verifyFull = new Properties();
        verifyFull.setProperty("sslmode", "verify-full");
        verifyFull.setProperty("sslrootcert", ca.toString());
        try (Connection client = bouncer.connect(DATABASE, USER, appPassword, verifyFull);
            Statement s = client.createStatement();
            ResultSet rs = s.executeQuery(
                "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
          // pg_backend_pid() is the server session pgBouncer opened: this row is the second hop.
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBoolean("ssl")).as("pgBouncer to PostgreSQL uses TLS").isTrue();
          assertThat(rs.getString("version")).startsWith("TLSv1.");
        } finally {
          Files.deleteIfExists(ca);
        }
        Properties plain = new Properties();
        plain.setProperty("sslmode", "disable");
        assertThatThrownBy(() -> bouncer.connect(DATABASE, USER, appPassword, plain).close())
            .as("clients without TLS are refused")
            .isInstanceOf(SQLException.class);
      }
    }
  }

  /**
   * What CertificateReload relies on: the probe reads the certificate a server presents, without a
   * login; PostgreSQL keeps serving the old one after its files change, and serves the new one after
   * a reload (what Patroni's POST /reload does), while a session opened before stays open.
   */
  @Test
  void theProbeSeesWhichCertificatePostgresServesAndAReloadChangesIt() throws Exception {
    Map<String, String> first = certificates();
    Map<String, String> second = certificates();
    try (LocalPostgres postgres = LocalPostgres.start(
        LocalProcesses.freePort(),
        Map.of("server.crt", first.get("tls.crt"), "server.key", first.get("tls.key")),
        "ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'")) {
      String wantFirst = ServedCertificate.fingerprintOfPem(first.get("tls.crt"));
      String wantSecond = ServedCertificate.fingerprintOfPem(second.get("tls.crt"));
      assertThat(wantSecond).isNotEqualTo(wantFirst);
      assertThat(ServedCertificate.fingerprint("127.0.0.1", postgres.port())).isEqualTo(wantFirst);

      try (Connection open = postgres.connectAsAdmin("postgres"); Statement s = open.createStatement()) {
        LocalProcesses.writeForPostgres(postgres.dataDirectory().resolve("server.crt"), second.get("tls.crt"));
        LocalProcesses.writeForPostgres(postgres.dataDirectory().resolve("server.key"), second.get("tls.key"));
        assertThat(ServedCertificate.fingerprint("127.0.0.1", postgres.port()))
            .as("new files, no reload yet").isEqualTo(wantFirst);
        s.execute("SELECT pg_reload_conf()");
        await().atMost(java.time.Duration.ofSeconds(10))
            .until(() -> ServedCertificate.fingerprint("127.0.0.1", postgres.port()).equals(wantSecond));
        ResultSet still = s.executeQuery("SELECT 1");
        assertThat(still.next()).as("the session opened before the reload still works").isTrue();
      }
    }
  }

  /** A throwaway CA and a server certificate for 127.0.0.1, made with the openssl command. */
  private static Map<String, String> certificates() throws Exception {
    Path dir = Files.createTempDirectory("tradingdb-pki");
    try {
      String d = dir.toString();
      Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
      LocalProcesses.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", d + "/ca.key", "-out", d + "/ca.crt", "-days", "2", "-subj", "/CN=tradingdb-test-ca"));
      LocalProcesses.run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes",
          "-keyout", d + "/tls.key", "-out", d + "/tls.csr", "-subj", "/CN=127.0.0.1"));
      LocalProcesses.run(List.of("openssl", "x509", "-req", "-in", d + "/tls.csr", "-CA", d + "/ca.crt",
          "-CAkey", d + "/ca.key", "-CAcreateserial", "-out", d + "/tls.crt", "-days", "2",
          "-extfile", d + "/san.ext"));
      return Map.of(
          "ca.crt", Files.readString(dir.resolve("ca.crt")),
          "tls.crt", Files.readString(dir.resolve("tls.crt")),
          "tls.key", Files.readString(dir.resolve("tls.key")));
    } finally {
      LocalProcesses.deleteTree(dir);
    }
  }
}
