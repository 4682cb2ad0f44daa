package io.tradingdb.operator.tradingdatabase.patroni;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts one cluster's Patroni REST API: the chain must lead to the cluster's CA (PKIX, without a
 * host name, since the operator calls pod IPs), and the leaf must name a pod of the cluster's
 * headless Service ({@code <pod>.<headless>.<namespace>.svc}, usually as the wildcard the operator
 * issues). A certificate of another cluster under the same CA therefore fails. Only for this
 * cluster's HttpClient: nothing JVM-wide changes.
 */
public final class PatroniTrustManager extends X509ExtendedTrustManager {

  private static final int DNS_NAME = 2;

  private final Set<TrustAnchor> anchors;
  private final String podDomain;

  /**
   * @param caPem one or more PEM certificates the chain must lead to
   * @param podDomain {@code <headless>.<namespace>.svc}: the pods' stable DNS names end in it
   */
  public PatroniTrustManager(String caPem, String podDomain) {
    this.anchors = certificates(caPem).stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("no CA certificate for " + podDomain);
    }
    this.podDomain = podDomain.toLowerCase(Locale.ROOT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return anchors.stream().map(TrustAnchor::getTrustedCert).toArray(X509Certificate[]::new);
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("Patroni presented no certificate");
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      // The anchor itself may come last in the chain; PKIX wants the path without it.
      List<X509Certificate> path = Arrays.stream(chain)
          .filter(c -> anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c))).toList();
      if (path.isEmpty()) {
        throw new CertificateException("Patroni presented the CA certificate itself");
      }
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
    } catch (CertificateException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new CertificateException("Patroni's certificate does not lead to the cluster's CA: " + e.getMessage(), e);
    }
    if (!namesAPod(chain[0])) {
      throw new CertificateException("Patroni's certificate names no pod of " + podDomain + " (subject alternative names: "
          + dnsNames(chain[0]) + ")");
    }
  }

  /** A DNS name {@code *.<podDomain>} or {@code <one label>.<podDomain>}. */
  boolean namesAPod(X509Certificate leaf) throws CertificateParsingException {
    String suffix = "." + podDomain;
    for (String name : dnsNames(leaf)) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.endsWith(suffix)) {
        String label = n.substring(0, n.length() - suffix.length());
        if (label.equals("*") || !label.isEmpty() && label.indexOf('.') < 0 && label.indexOf('*') < 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> dnsNames(X509Certificate cert) throws CertificateParsingException {
    Collection<List<?>> names = cert.getSubjectAlternativeNames();
    if (names == null) {
      return List.of();
    }
    return names.stream().filter(n -> n.size() == 2 && Integer.valueOf(DNS_NAME).equals(n.get(0)))
        .map(n -> (String) n.get(1)).toList();
  }

  private static List<X509Certificate> certificates(String pem) {
    try {
      return CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
          .map(c -> (X509Certificate) c).toList();
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the CA is not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
