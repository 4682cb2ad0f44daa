package io.tradingdb.operator.backup;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server (s3proxy over a folder) in this JVM, on 127.0.0.1 (or, for pods of
 * the real node, on the node's bridge address 198.18.0.1).
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key-not-a-real-one";

  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final boolean https;
  private final String host;

  public S3TestServer(Path folder) throws Exception {
    this(folder, null, null, "127.0.0.1");
  }

  /** Over HTTP on {@code host}, which must be this machine's own address (loopback or the real node's bridge). */
  public S3TestServer(Path folder, String host) throws Exception {
    this(folder, null, null, host);
  }

  /** Over HTTPS only when {@code keyStore} (PKCS12) is given: pgBackRest speaks nothing else to S3. */
  S3TestServer(Path folder, Path keyStore, String keyStorePassword) throws Exception {
    this(folder, keyStore, keyStorePassword, "127.0.0.1");
  }

  /** Over HTTPS on 127.0.0.1 with {@code server}'s certificate and key (PEM, as CertificateAuthority issues them). */
  static S3TestServer https(Path folder, io.tradingdb.operator.kube.CertificateAuthority.Pem server) throws Exception {
    Path keyStore = folder.resolveSibling(folder.getFileName() + ".p12");
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("s3", io.tradingdb.operator.kube.CertificateAuthority.parsePrivateKey(server.privateKey()),
        "changeit".toCharArray(),
        new java.security.cert.Certificate[] {io.tradingdb.operator.kube.CertificateAuthority.parseCertificate(server.certificate())});
    try (var out = java.nio.file.Files.newOutputStream(keyStore)) {
      store.store(out, "changeit".toCharArray());
    }
    return new S3TestServer(folder, keyStore, "changeit");
  }

  private S3TestServer(Path folder, Path keyStore, String keyStorePassword, String host) throws Exception {
    this.https = keyStore != null;
    this.host = host;
    // s3proxy and jclouds log every request at DEBUG, which drowns the test output.
    for (String logger : new String[] {"org.gaul", "org.jclouds", "jclouds"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).setLevel(ch.qos.logback.classic.Level.WARN);
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", folder.toString());
    context = ContextBuilder.newBuilder("filesystem")
        .credentials(ACCESS_KEY, SECRET_KEY)
        .overrides(properties)
        .build(BlobStoreContext.class);
    S3Proxy.Builder builder = S3Proxy.builder()
        .blobStore(context.getBlobStore())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY);
    if (https) {
      builder.secureEndpoint(URI.create("https://" + host + ":0")).keyStore(keyStore.toString(), keyStorePassword);
    } else {
      builder.endpoint(URI.create("http://" + host + ":0"));
    }
    proxy = builder.build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(20);
    }
  }

  public String endpoint() {
    return https ? "https://" + host + ":" + proxy.getSecurePort() : "http://" + host + ":" + proxy.getPort();
  }

  int port() {
    return https ? proxy.getSecurePort() : proxy.getPort();
  }

  public BlobStore blobStore() {
    return context.getBlobStore();
  }

  public void createBucket(String bucket) {
    blobStore().createContainerInLocation(null, bucket);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
