package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  static final List<String> NAMES = List.of("db-rw.trading.svc", "db-ro.trading.svc");

  @Test
  void serverCertificateIsSignedByTheCaAndNamesEveryService() throws Exception {
    Instant now = Instant.now();
    var ca = CertificateAuthority.newCa("tradingdb trading/db", now);
    var server = CertificateAuthority.issueServer(ca, NAMES, now);
    X509Certificate caCert = CertificateAuthority.parseCertificate(ca.certificate());
    X509Certificate cert = CertificateAuthority.parseCertificate(server.certificate());
    cert.verify(caCert.getPublicKey());
    assertThat(cert.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
        .containsAll(NAMES);
    assertThat(caCert.getBasicConstraints()).isZero();
    assertThat(server.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void renewalIsDueThirtyDaysBeforeExpiryOrWhenANameIsMissing() {
    Instant now = Instant.now();
    var ca = CertificateAuthority.newCa("tradingdb trading/db", now);
    String cert = CertificateAuthority.issueServer(ca, NAMES, now).certificate();
    assertThat(CertificateAuthority.needsRenewal(cert, NAMES, now)).isFalse();
    assertThat(CertificateAuthority.needsRenewal(cert, NAMES, now.plus(Duration.ofDays(334)))).isFalse();
    assertThat(CertificateAuthority.needsRenewal(cert, NAMES, now.plus(Duration.ofDays(336)))).isTrue();
    assertThat(CertificateAuthority.needsRenewal(cert, List.of("db-pooler.trading.svc"), now)).isTrue();
    assertThat(CertificateAuthority.needsRenewal("not a certificate", NAMES, now)).isTrue();
  }
}
