package io.tradingdb.operator.postgres;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate a PostgreSQL server presents: the protocol's SSLRequest, then a TLS handshake
 * that reads the server's certificate and sends nothing else (no login, no query). Nothing is
 * trusted here: the fingerprint is only compared with the certificate the operator issued, to
 * tell whether the server has re-read its files since the certificate changed.
 */
public final class ServedCertificate {

  /** The SSLRequest message: length 8, code 80877103. */
  private static final int SSL_REQUEST = 80877103;
  private static final int TIMEOUT_MS = 5000;

  private ServedCertificate() {}

  /** SHA-256 of the leaf certificate the server at host:port presents, in lower-case hex. */
  public static String fingerprint(String host, int port) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
      plain.setSoTimeout(TIMEOUT_MS);
      DataOutputStream out = new DataOutputStream(plain.getOutputStream());
      out.writeInt(8);
      out.writeInt(SSL_REQUEST);
      out.flush();
      int answer = new DataInputStream(plain.getInputStream()).read();
      if (answer != 'S') {
        throw new IOException(host + ":" + port + " does not offer TLS (answered " + answer + ")");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new ReadOnly()}, null);
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, false)) {
        tls.startHandshake();
        Certificate[] chain = tls.getSession().getPeerCertificates();
        return sha256(chain[0].getEncoded());
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the first certificate of a PEM text (a Secret's tls.crt), in lower-case hex. */
  public static String fingerprintOfPem(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      X509Certificate cert = (X509Certificate) factory.generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      return sha256(cert.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static String sha256(byte[] der) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
  }

  /** Accepts any server certificate: the handshake only reads it, and no data follows. */
  private static final class ReadOnly implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
