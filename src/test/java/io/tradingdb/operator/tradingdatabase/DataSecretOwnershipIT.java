package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data Secrets' owner list is written with one merge patch that carries the cached
 * resourceVersion, on a real kube-apiserver: the server applies it to the version the operator saw
 * and refuses it (409, which the operator leaves for the next event) when the Secret changed since.
 */
class DataSecretOwnershipIT {

  static KubernetesClient admin;
  static String ns;

  @BeforeAll
  static void start() {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "owners-it", Map.of());
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void theOwnerListIsPatchedOnTheCachedVersionAndAStaleCacheWritesNothing() {
    ClusterNames names = new ClusterNames("market", ns);
    // Real owners, so the garbage collector has nothing to clean up while the test reads them.
    TradingDatabase sample = Samples.tradingDatabase(ns, "market");
    sample.getMetadata().setUid(null);
    sample.getMetadata().setGeneration(null);
    TradingDatabase db = admin.resource(sample).create();
    ConfigMap bundle = admin.resource(new ConfigMapBuilder().withNewMetadata().withName("bundle").withNamespace(ns)
        .endMetadata().build()).create();
    OwnerReference foreign = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
        .withName("bundle").withUid(bundle.getMetadata().getUid()).build();
    Secret ca = admin.resource(new SecretBuilder().withNewMetadata().withName(names.caSecret()).withNamespace(ns)
        .withOwnerReferences(foreign).endMetadata().addToData("ca.crt", "Y2E=").build()).create();
    Secret superuser = admin.resource(new SecretBuilder().withNewMetadata().withName(names.superuserSecret())
        .withNamespace(ns).endMetadata().addToData("password", "c2VjcmV0").build()).create();
    PersistentVolumeClaim claim = admin.resource(new PersistentVolumeClaimBuilder().withNewMetadata()
        .withName(DataSecretOwnership.dataClaimName(names)).withNamespace(ns).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();

    // The superuser Secret changes after the operator cached it: a label from another client.
    admin.secrets().inNamespace(ns).withName(names.superuserSecret())
        .edit(s -> new SecretBuilder(s).editMetadata().addToLabels("team", "desk").endMetadata().build());
    Map<String, Secret> cache = Map.of(names.caSecret(), ca, names.superuserSecret(), superuser);

    assertThat(DataSecretOwnership.reconcile(admin, db, names, List.of(),
        name -> Optional.ofNullable(cache.get(name)))).as("no claim yet").isZero();
    int patched = DataSecretOwnership.reconcile(admin, db, names, List.of(claim),
        name -> Optional.ofNullable(cache.get(name)));

    assertThat(patched).as("only the Secret whose cached version is current").isEqualTo(1);
    Secret caNow = admin.secrets().inNamespace(ns).withName(names.caSecret()).get();
    assertThat(caNow.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
        .containsExactly(db.getMetadata().getUid(), claim.getMetadata().getUid(), foreign.getUid());
    assertThat(caNow.getData()).containsOnlyKeys("ca.crt");
    Secret superuserNow = admin.secrets().inNamespace(ns).withName(names.superuserSecret()).get();
    assertThat(superuserNow.getMetadata().getOwnerReferences()).as("stale cache: no owners written").isEmpty();
    assertThat(superuserNow.getMetadata().getLabels()).containsEntry("team", "desk");

    // Its event brings the new version; the next reconcile binds it.
    Map<String, Secret> fresh = Map.of(names.caSecret(), caNow, names.superuserSecret(), superuserNow);
    assertThat(DataSecretOwnership.reconcile(admin, db, names, List.of(claim),
        name -> Optional.ofNullable(fresh.get(name)))).isEqualTo(1);
    assertThat(admin.secrets().inNamespace(ns).withName(names.superuserSecret()).get().getMetadata()
        .getOwnerReferences()).extracting(OwnerReference::getUid)
        .containsExactly(db.getMetadata().getUid(), claim.getMetadata().getUid());
    assertThat(admin.secrets().inNamespace(ns).withName(names.superuserSecret()).get().getData())
        .as("the data is untouched").containsOnlyKeys("password");
    Map<String, Secret> bound = Map.of(names.caSecret(), caNow,
        names.superuserSecret(), admin.secrets().inNamespace(ns).withName(names.superuserSecret()).get());
    assertThat(DataSecretOwnership.reconcile(admin, db, names, List.of(claim),
        name -> Optional.ofNullable(bound.get(name)))).as("then nothing to write").isZero();
  }
}
