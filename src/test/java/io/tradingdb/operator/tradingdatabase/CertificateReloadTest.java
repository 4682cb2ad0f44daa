package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.pooler.TestClusters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When CertificateReload asks the members which certificate they serve, and when it asks nothing. */
class CertificateReloadTest {

  private final ClusterModel model = TestClusters.model("trading", "prod", """
        databaseName: ai_trading
        instances: 2
        tls: {enabled: true}
      """);
  private final TradingDatabase db = database();

  private static TradingDatabase database() {
    TradingDatabase db = new TradingDatabase();
    db.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("prod").withNamespace("trading").build());
    return db;
  }

  @Test
  void podsAsTheInformerCachesThemCountSoANewCertificateMakesItAskTheMembers() {
    CertificateAuthority.Pem ca = CertificateAuthority.newCa("test-ca", Instant.now());
    Secret tls = tlsSecret(CertificateAuthority.issueServer(ca, List.of("prod-rw"), Instant.now()));
    // As the cache keeps them: metadata only, no status (no phase, no IP).
    List<Pod> pods = List.of(cached("prod-0"), cached("prod-1"));
    assertThat(pods).allMatch(p -> p.getStatus() == null);
    AtomicInteger asked = new AtomicInteger();
    CertificateReload reload = new CertificateReload(null, new EventRecorder(null, Clock.systemUTC()), Clock.systemUTC());

    boolean pending = reload.reconcile(db, model, CertificateReload.podNames(pods), () -> {
      asked.incrementAndGet();
      return null;
    }, name -> name.equals(model.tlsSecret()) ? Optional.of(tls) : Optional.empty());

    assertThat(asked).as("a certificate not yet seen served makes it ask the members").hasValue(1);
    assertThat(pending).isFalse();
  }

  @Test
  void podsBeingDeletedAreLeftOut() {
    Pod leaving = new PodBuilder(cached("prod-1")).editMetadata().withDeletionTimestamp("2026-12-01T00:00:00Z").endMetadata().build();
    assertThat(CertificateReload.podNames(List.of(cached("prod-0"), leaving))).containsExactly("prod-0");
  }

  private static Pod cached(String name) {
    return InformerCaches.podMetadata(new PodBuilder().withNewMetadata().withName(name).withNamespace("trading")
        .withLabels(Map.of("role", "replica")).endMetadata()
        .withNewStatus().withPhase("Running").withPodIP("198.18.0.10").endStatus().build());
  }

  private Secret tlsSecret(CertificateAuthority.Pem server) {
    return new SecretBuilder().withNewMetadata().withName(model.tlsSecret()).withNamespace("trading").endMetadata()
        .withData(Map.of("tls.crt", Base64.getEncoder().encodeToString(server.certificate().getBytes(StandardCharsets.US_ASCII))))
        .build();
  }
}
