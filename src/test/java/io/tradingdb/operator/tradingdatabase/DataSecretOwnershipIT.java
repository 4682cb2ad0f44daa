package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.kube.TypedWatchEvents;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data Secrets get instance 0's claim as a second owner, on a real kube-apiserver: one JSON
 * Patch per Secret computed from the operator's cached copy, with no read first; a write to the
 * Secret's data since the cache saw it does not stop it; an owner list that changed since (a stale
 * cache, someone else's owner) is read once and patched against what the server holds, keeping the
 * other owner.
 */
class DataSecretOwnershipIT {

  /** Every request of the operator's client, with its response code. */
  static final class Requests implements Interceptor {
    final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      String path = request.uri().getPath();
      seen.add(request.method() + " " + path.substring(path.lastIndexOf('/') + 1) + " " + response.code());
    }

    List<String> take() {
      List<String> all = new ArrayList<>(seen);
      seen.clear();
      return all;
    }
  }

  static KubernetesClient admin;
  static KubernetesClient operator;
  static final Requests REQUESTS = new Requests();
  static String ns;
  static TradingDatabase db;
  static PersistentVolumeClaim claim;
  static ClusterNames names;
  static int run;

  @BeforeAll
  static void start() {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    operator = TypedWatchEvents.clientBuilder(RealCluster.config())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("requests", REQUESTS))
        .build();
    ns = RealCluster.createNamespace(admin, "owners-it", Map.of());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  /** A cluster of its own per test: a TradingDatabase (no operator runs) and its data claim, both real owners. */
  @BeforeEach
  void cluster() {
    TradingDatabase sample = Samples.tradingDatabase(ns, "market-" + (++run));
    sample.setMetadata(new ObjectMetaBuilder().withName(sample.getMetadata().getName()).withNamespace(ns).build());
    db = admin.resource(sample).create();
    names = new ClusterNames(db.getMetadata().getName(), ns);
    claim = admin.resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(DataSecretOwnership.dataClaimName(names)).withNamespace(ns).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec()
        .build()).create();
    for (String name : DataSecretOwnership.secretNames(names)) {
      admin.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
          .withOwnerReferences(Owners.controllerReference(db)).endMetadata()
          .addToStringData("password", "first").build()).create();
    }
    REQUESTS.take();
  }

  /** What the operator's informer would hold: the Secrets as they are now. */
  static Map<String, Secret> snapshot() {
    Map<String, Secret> cache = new HashMap<>();
    for (String name : DataSecretOwnership.secretNames(names)) {
      cache.put(name, admin.secrets().inNamespace(ns).withName(name).get());
    }
    return cache;
  }

  static int reconcile(Map<String, Secret> cache) {
    Function<String, Optional<Secret>> cached = name -> Optional.ofNullable(cache.get(name));
    return DataSecretOwnership.reconcile(operator, db, names, List.of(claim), cached);
  }

  static List<String> ownerUids(String secret) {
    return admin.secrets().inNamespace(ns).withName(secret).get().getMetadata().getOwnerReferences().stream()
        .map(OwnerReference::getUid).toList();
  }

  @Test
  void eachSecretIsBoundWithOnePatchAndNoRead() {
    assertThat(reconcile(snapshot())).isEqualTo(5);

    assertThat(REQUESTS.take()).containsExactlyInAnyOrderElementsOf(
        DataSecretOwnership.secretNames(names).stream().map(name -> "PATCH " + name + " 200").toList());
    for (String name : DataSecretOwnership.secretNames(names)) {
      assertThat(ownerUids(name)).as(name).containsExactly(db.getMetadata().getUid(), claim.getMetadata().getUid());
    }
    assertThat(reconcile(snapshot())).as("bound already").isZero();
    assertThat(REQUESTS.take()).isEmpty();
  }

  @Test
  void aChangeOfTheDataSinceTheCacheSawTheSecretDoesNotStopTheBind() {
    Map<String, Secret> cache = snapshot();
    String superuser = names.superuserSecret();
    admin.secrets().inNamespace(ns).withName(superuser)
        .edit(s -> new SecretBuilder(s).withData(Map.of()).addToStringData("password", "rotated").build());

    assertThat(reconcile(cache)).isEqualTo(5);

    assertThat(REQUESTS.take()).hasSize(5).allMatch(r -> r.startsWith("PATCH ") && r.endsWith(" 200"));
    assertThat(ownerUids(superuser)).containsExactly(db.getMetadata().getUid(), claim.getMetadata().getUid());
    assertThat(admin.secrets().inNamespace(ns).withName(superuser).get().getData().get("password"))
        .as("the newer password stays").isEqualTo(Base64.getEncoder().encodeToString("rotated".getBytes()));
  }

  @Test
  void anOwnerAddedSinceTheCacheSawTheSecretIsReadOnceAndKept() {
    Map<String, Secret> cache = snapshot();
    String ca = names.caSecret();
    ConfigMap bundle = admin.resource(new ConfigMapBuilder().withNewMetadata().withName("bundle-" + run)
        .withNamespace(ns).endMetadata().build()).create();
    OwnerReference foreign = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
        .withName(bundle.getMetadata().getName()).withUid(bundle.getMetadata().getUid()).build();
    admin.secrets().inNamespace(ns).withName(ca)
        .edit(s -> new SecretBuilder(s).editMetadata().addToOwnerReferences(foreign).endMetadata().build());

    assertThat(reconcile(cache)).isEqualTo(5);

    List<String> requests = REQUESTS.take();
    assertThat(requests).as("the refused test, the read, the patch against what the server holds")
        .containsSubsequence("PATCH " + ca + " 422", "GET " + ca + " 200", "PATCH " + ca + " 200");
    assertThat(requests).filteredOn(r -> r.contains(" " + ca + " ")).hasSize(3);
    assertThat(requests).hasSize(7);
    assertThat(ownerUids(ca)).containsExactly(
        db.getMetadata().getUid(), claim.getMetadata().getUid(), bundle.getMetadata().getUid());
  }
}
