package io.tradingdb.operator.kube;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
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
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

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
  private static final ECNamedDomainParameters P256 = new ECNamedDomainParameters(
      SECObjectIdentifiers.secp256r1, CustomNamedCurves.getByOID(SECObjectIdentifiers.secp256r1));
  private static final AlgorithmIdentifier SHA256_WITH_ECDSA =
      new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
  private static final AlgorithmIdentifier SHA256 = new DefaultDigestAlgorithmIdentifierFinder().find(SHA256_WITH_ECDSA);

  /** A certificate and its private key, both PEM. */
  public record Pem(String certificate, String privateKey) {}

  private CertificateAuthority() {}

  public static Pem newCa(String commonName, Instant now) {
    try {
      AsymmetricCipherKeyPair keys = keyPair();
      SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keys.getPublic());
      X500Name subject = new X500Name("CN=" + escape(commonName));
      var builder =
          new X509v3CertificateBuilder(
              subject, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_VALIDITY)), subject, publicKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(publicKey));
      return new Pem(pem(builder.build(signer(keys.getPrivate()))), pem(keys.getPrivate()));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /** A server certificate for {@code dnsNames}, signed by {@code ca}. */
  public static Pem issueServer(Pem ca, List<String> dnsNames, Instant now) {
    try {
      X509CertificateHolder caCert = certificateHolder(ca.certificate());
      AsymmetricKeyParameter caKey = signingKey(ca.privateKey());
      AsymmetricCipherKeyPair keys = keyPair();
      var builder =
          new X509v3CertificateBuilder(
              caCert.getSubject(), serial(), Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(SERVER_VALIDITY)),
              new X500Name("CN=" + escape(dnsNames.get(0))),
              SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keys.getPublic()));
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
          Extension.authorityKeyIdentifier, false, new BcX509ExtensionUtils().createAuthorityKeyIdentifier(caCert));
      return new Pem(pem(builder.build(signer(caKey))), pem(keys.getPrivate()));
    } catch (IOException | OperatorCreationException e) {
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
    return new JcaX509CertificateConverter().getCertificate(certificateHolder(pem));
  }

  public static PrivateKey parsePrivateKey(String pem) throws IOException, GeneralSecurityException {
    return new JcaPEMKeyConverter().getPrivateKey(privateKeyInfo(pem));
  }

  /**
   * A P-256 key pair from Bouncy Castle's own curve arithmetic. With the chart's C1-only JIT it costs
   * a third of the CPU of the JDK's EC provider for a key pair and a signature (1.2 s against 4.5 s
   * for 2,000 of each, in one JVM from a cold start), and a cluster needs two of each.
   */
  private static AsymmetricCipherKeyPair keyPair() {
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(P256, RANDOM));
    return generator.generateKeyPair();
  }

  private static ContentSigner signer(AsymmetricKeyParameter key) throws OperatorCreationException {
    return new BcECContentSignerBuilder(SHA256_WITH_ECDSA, SHA256)
        .setSecureRandom(RANDOM)
        .build(key);
  }

  private static X509CertificateHolder certificateHolder(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (!(parser.readObject() instanceof X509CertificateHolder holder)) {
        throw new IOException("not a PEM certificate");
      }
      return holder;
    }
  }

  /** The CA's key for signing, on the same curve arithmetic as {@link #keyPair()}. */
  private static AsymmetricKeyParameter signingKey(String pem) throws IOException {
    if (PrivateKeyFactory.createKey(privateKeyInfo(pem)) instanceof ECPrivateKeyParameters ec
        && ec.getParameters().getCurve().equals(P256.getCurve())) {
      return new ECPrivateKeyParameters(ec.getD(), P256);
    }
    throw new IOException("the CA key is not an ECDSA P-256 key");
  }

  private static PrivateKeyInfo privateKeyInfo(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o instanceof PEMKeyPair pair) {
        return pair.getPrivateKeyInfo();
      }
      if (o instanceof PrivateKeyInfo info) {
        return info;
      }
      throw new IOException("not a PEM private key");
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static String pem(X509CertificateHolder certificate) throws IOException {
    return pem(new PemObject("CERTIFICATE", certificate.getEncoded()));
  }

  /** PKCS#8 ("PRIVATE KEY"), as PostgreSQL, pgBouncer and Patroni read it. */
  private static String pem(AsymmetricKeyParameter privateKey) throws IOException {
    return pem(new PemObject("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded()));
  }

  private static String pem(PemObject object) throws IOException {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static String escape(String rdnValue) {
    return rdnValue.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
  }
}
