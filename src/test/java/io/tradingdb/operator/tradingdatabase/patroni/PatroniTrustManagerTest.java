package io.tradingdb.operator.tradingdatabase.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.workload.ClusterTls;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The per-cluster check of Patroni's REST API certificate: the cluster's CA, and a SAN naming one of its pods. */
class PatroniTrustManagerTest {

  static final Instant NOW = Instant.now();
  static final ClusterNames DB = new ClusterNames("db", "markets");
  static final String POD_DOMAIN = DB.headlessService() + ".markets.svc";
  static final CertificateAuthority.Pem CA = CertificateAuthority.newCa("db-ca", NOW);
  static final CertificateAuthority.Pem SERVER = CertificateAuthority.issueServer(CA, ClusterTls.dnsNames(DB), NOW);

  @Test
  void theClustersOwnCertificatePasses() throws Exception {
    assertThatCode(() -> new PatroniTrustManager(CA.certificate(), POD_DOMAIN)
        .checkServerTrusted(chain(SERVER), "ECDHE_ECDSA")).doesNotThrowAnyException();
    // A certificate that lists each pod instead of the wildcard passes too.
    var perPod = CertificateAuthority.issueServer(CA, List.of(DB.podHost(0), DB.podHost(1)), NOW);
    new PatroniTrustManager(CA.certificate(), POD_DOMAIN).checkServerTrusted(chain(perPod), "ECDHE_ECDSA");
  }

  @Test
  void anotherCaFails() throws Exception {
    var otherCa = CertificateAuthority.newCa("db-ca", NOW);
    var forged = CertificateAuthority.issueServer(otherCa, ClusterTls.dnsNames(DB), NOW);
    assertThatThrownBy(() -> new PatroniTrustManager(CA.certificate(), POD_DOMAIN)
        .checkServerTrusted(chain(forged), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("does not lead to the cluster's CA");
  }

  @Test
  void theSameCaButAnotherClustersNamesFails() throws Exception {
    ClusterNames other = new ClusterNames("risk", "markets");
    var theirs = CertificateAuthority.issueServer(CA, ClusterTls.dnsNames(other), NOW);
    assertThatThrownBy(() -> new PatroniTrustManager(CA.certificate(), POD_DOMAIN)
        .checkServerTrusted(chain(theirs), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("names no pod of db-pods.markets.svc");
    // Nor do names that only end like the domain, or sit two labels below it.
    var lookalike = CertificateAuthority.issueServer(CA, List.of("evil-db-pods.markets.svc", "a.b.db-pods.markets.svc",
        "db-rw.markets.svc"), NOW);
    assertThatThrownBy(() -> new PatroniTrustManager(CA.certificate(), POD_DOMAIN)
        .checkServerTrusted(chain(lookalike), "ECDHE_ECDSA")).isInstanceOf(CertificateException.class);
  }

  @Test
  void theClientTalksHttpsToTheClusterAndRefusesTheWrongOne() throws Exception {
    HttpsServer server = https(SERVER);
    try {
      String base = PatroniClient.base(true, "127.0.0.1", server.getAddress().getPort());
      PatroniClient root = new PatroniClient();
      PatroniClient.Tls tls = new PatroniClient.Tls(CA.certificate(), POD_DOMAIN);
      PatroniClient db = root.forCluster(tls);
      assertThat(db.member(base)).containsEntry("role", "master");
      assertThat(root.forCluster(new PatroniClient.Tls(CA.certificate(), POD_DOMAIN))).as("cached per CA").isSameAs(db);
      assertThat(tls.toString()).doesNotContain("BEGIN");

      PatroniClient risk = root.forCluster(new PatroniClient.Tls(CA.certificate(), "risk-pods.markets.svc"));
      assertThatThrownBy(() -> risk.member(base)).isInstanceOf(PatroniClient.PatroniException.class);
      var otherCa = CertificateAuthority.newCa("other", NOW);
      PatroniClient renewed = root.forCluster(new PatroniClient.Tls(otherCa.certificate(), POD_DOMAIN));
      assertThat(renewed).as("a new CA, a new client").isNotSameAs(db);
      assertThatThrownBy(() -> renewed.member(base)).isInstanceOf(PatroniClient.PatroniException.class);
      assertThatThrownBy(() -> root.member(base)).as("the JVM's trust store knows no cluster CA")
          .isInstanceOf(PatroniClient.PatroniException.class);
    } finally {
      server.stop(0);
    }
  }

  static X509Certificate[] chain(CertificateAuthority.Pem leaf) throws Exception {
    return new X509Certificate[] {CertificateAuthority.parseCertificate(leaf.certificate()),
        CertificateAuthority.parseCertificate(CA.certificate())};
  }

  static HttpsServer https(CertificateAuthority.Pem pair) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", CertificateAuthority.parsePrivateKey(pair.privateKey()), new char[0], chain(pair));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/", exchange -> {
      byte[] bytes = "{\"role\":\"master\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return server;
  }
}
