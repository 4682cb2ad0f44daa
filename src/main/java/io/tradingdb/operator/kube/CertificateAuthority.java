package io.tradingdb.operator.kube;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The operator's own small CA for clusters whose certificate nobody else provides. ECDSA P-256
 * keys, PEM encoded, as PostgreSQL and pgBouncer read them.
 */
public final class CertificateAuthority {

  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVER_VALIDITY = Duration.ofDays(365);
  /** Renew a server certificate this long before it expires. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate and its private key, both PEM. */
  public record Pem(String certificate, String privateKey) {}

  private CertificateAuthority() {}

  public static Pem newCa(String commonName, Instant now) {
    try {
      KeyPair keys = keyPair();
      X500Name subject = new X500Name("CN=" + escape(commonName));
      var builder =
          new JcaX509v3CertificateBuilder(
              subject, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic());
      var ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(builder.build(signer(keys.getPrivate())));
      return new Pem(pem(cert), pem(keys.getPrivate()));
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /** A server certificate for {@code dnsNames}, signed by {@code ca}. */
  public static Pem issueServer(Pem ca, List<String> dnsNames, Instant now) {
    try {
      X509Certificate caCert = parseCertificate(ca.certificate());
      PrivateKey caKey = parsePrivateKey(ca.privateKey());
      KeyPair keys = keyPair();
      var builder =
          new JcaX509v3CertificateBuilder(
              caCert, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(SERVER_VALIDITY)),
              new X500Name("CN=" + escape(dnsNames.get(0))), keys.getPublic());
      var ext = new JcaX509ExtensionUtils();
      List<GeneralName> names = new ArrayList<>();
      dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate cert = sign(builder.build(signer(caKey)));
      return new Pem(pem(cert), pem(keys.getPrivate()));
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a server certificate", e);
    }
  }

  /** True when the certificate must be replaced: unreadable, expiring soon, or missing a name. */
  public static boolean needsRenewal(String certificatePem, Collection<String> dnsNames, Instant now) {
    try {
      X509Certificate cert = parseCertificate(certificatePem);
      if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
        return true;
      }
      List<String> present = new ArrayList<>();
      if (cert.getSubjectAlternativeNames() != null) {
        cert.getSubjectAlternativeNames().forEach(san -> present.add(String.valueOf(san.get(1))));
      }
      return !present.containsAll(dnsNames);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      return true;
    }
  }

  public static X509Certificate parseCertificate(String pem) throws IOException, GeneralSecurityException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (!(o instanceof X509CertificateHolder holder)) {
        throw new GeneralSecurityException("not a PEM certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    }
  }

  public static PrivateKey parsePrivateKey(String pem) throws IOException, GeneralSecurityException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      var converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new GeneralSecurityException("not a PEM private key");
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key)
      throws org.bouncycastle.operator.OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static X509Certificate sign(X509CertificateHolder holder) throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object instanceof PrivateKey key
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
    }
    return out.toString();
  }

  private static String escape(String rdnValue) {
    return rdnValue.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
  }
}
