package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Secrets a data directory needs (passwords, CA) live as long as the data: owned by the
 * TradingDatabase and by instance 0's data claim, so the garbage collector keeps them while a
 * retained claim exists and a re-created TradingDatabase of the same name adopts them.
 */
@EnableKubernetesMockClient(crud = true)
class DataSecretOwnershipTest {

  KubernetesClient client;

  static final ClusterNames NAMES = new ClusterNames("market", "trading");

  static TradingDatabase db(String uid) {
    TradingDatabase db = new TradingDatabase();
    db.getMetadata().setName("market");
    db.getMetadata().setNamespace("trading");
    db.getMetadata().setUid(uid);
    return db;
  }

  static PersistentVolumeClaim claim(String name, String uid) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("trading").withUid(uid)
        .endMetadata().build();
  }

  static Secret secret(String name, OwnerReference... owners) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace("trading")
        .withOwnerReferences(owners).endMetadata().addToData("password", "c2VjcmV0").build();
  }

  @Test
  void theDataSecretsAreThePasswordsAndTheCaButNotTheServerCertificate() {
    assertThat(DataSecretOwnership.secretNames(NAMES)).containsExactly("market-superuser", "market-replication",
        "market-ca", "market-pooler-auth", "market-monitoring-auth").doesNotContain(NAMES.tlsSecret());
    assertThat(DataSecretOwnership.dataClaimName(NAMES)).isEqualTo("pgdata-market-0");
    assertThat(NAMES.volumeTemplateOf(DataSecretOwnership.dataClaimName(NAMES))).isEqualTo(ClusterNames.DATA_VOLUME);
  }

  @Test
  void aNewSecretGetsTheClaimAsSecondOwnerThatDoesNotBlockDeletion() {
    TradingDatabase db = db("uid-1");
    List<OwnerReference> wanted = DataSecretOwnership.wanted(
        secret("market-ca", Owners.controllerReference(db)), db, claim("pgdata-market-0", "claim-1")).orElseThrow();
    assertThat(wanted).hasSize(2);
    assertThat(wanted.get(0)).isEqualTo(Owners.controllerReference(db));
    assertThat(wanted.get(1).getKind()).isEqualTo("PersistentVolumeClaim");
    assertThat(wanted.get(1).getUid()).isEqualTo("claim-1");
    assertThat(wanted.get(1).getController()).isNull();
    assertThat(wanted.get(1).getBlockOwnerDeletion()).isNull();
  }

  @Test
  void aSecretAlreadyBoundIsLeftAlone() {
    TradingDatabase db = db("uid-1");
    PersistentVolumeClaim claim = claim("pgdata-market-0", "claim-1");
    List<OwnerReference> bound = DataSecretOwnership.wanted(secret("market-ca"), db, claim).orElseThrow();
    assertThat(DataSecretOwnership.wanted(secret("market-ca", bound.toArray(OwnerReference[]::new)), db, claim))
        .isEmpty();
  }

  @Test
  void aReCreatedTradingDatabaseAdoptsTheRetainedSecretsAndForeignOwnersStay() {
    OwnerReference foreign = new OwnerReferenceBuilder().withApiVersion("example.com/v1").withKind("Bundle")
        .withName("b").withUid("foreign").build();
    OwnerReference earlier = Owners.controllerReference(db("uid-old"));
    OwnerReference oldClaim = new OwnerReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
        .withName("pgdata-market-0").withUid("claim-1").build();
    TradingDatabase again = db("uid-new");
    List<OwnerReference> wanted = DataSecretOwnership.wanted(secret("market-superuser", earlier, oldClaim, foreign),
        again, claim("pgdata-market-0", "claim-1")).orElseThrow();
    assertThat(wanted).extracting(OwnerReference::getUid).containsExactly("uid-new", "claim-1", "foreign");
  }

  @Test
  void reconcilePatchesTheCachedSecretsOnceTheClaimExistsAndThenWritesNothing() {
    TradingDatabase db = db("uid-1");
    client.secrets().resource(secret("market-superuser", Owners.controllerReference(db))).create();
    client.secrets().resource(secret("market-ca", Owners.controllerReference(db))).create();
    java.util.function.Function<String, Optional<Secret>> cache =
        name -> Optional.ofNullable(client.secrets().inNamespace("trading").withName(name).get());

    assertThat(DataSecretOwnership.reconcile(client, db, NAMES, List.of(), cache)).as("no claim yet").isZero();
    PersistentVolumeClaim claim = claim("pgdata-market-0", "claim-1");
    List<PersistentVolumeClaim> claims = List.of(claim("pgwal-market-0", "wal-1"), claim);
    assertThat(DataSecretOwnership.reconcile(client, db, NAMES, claims, cache)).isEqualTo(2);
    assertThat(client.secrets().inNamespace("trading").withName("market-ca").get().getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid).containsExactly("uid-1", "claim-1");
    assertThat(client.secrets().inNamespace("trading").withName("market-superuser").get().getData())
        .containsEntry("password", "c2VjcmV0");
    assertThat(DataSecretOwnership.reconcile(client, db, NAMES, claims, cache)).isZero();
  }

  @Test
  void theOwnerPatchTestsTheListItWasComputedFromAndReplacesIt() throws Exception {
    TradingDatabase db = db("uid-1");
    List<OwnerReference> current = List.of(Owners.controllerReference(db));
    List<OwnerReference> wanted = DataSecretOwnership.wanted(
        secret("market-ca", current.toArray(OwnerReference[]::new)), db, claim("pgdata-market-0", "claim-1")).orElseThrow();

    var patch = new com.fasterxml.jackson.databind.ObjectMapper().readTree(DataSecretOwnership.ownersPatch(client, current, wanted));

    assertThat(patch).hasSize(2);
    assertThat(patch.get(0).get("op").asText()).isEqualTo("test");
    assertThat(patch.get(1).get("op").asText()).isEqualTo("replace");
    assertThat(patch.findValuesAsText("path")).containsOnly("/metadata/ownerReferences");
    assertThat(patch.get(0).get("value").findValuesAsText("uid")).containsExactly("uid-1");
    assertThat(patch.get(1).get("value").findValuesAsText("uid")).containsExactly("uid-1", "claim-1");
    assertThat(patch.toString()).as("no resourceVersion, no data").doesNotContain("resourceVersion", "password");
  }
}
