package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tradingdb.operator.testsupport.RealCluster;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A create-once Secret whose create the HTTP client resent after the server had made it: the
 * 409 AlreadyExists from a real kube-apiserver, answered with the existing object when the same
 * controller owns it, never with a changed one; someone else's object of that name still fails.
 */
class AlreadyCreatedIT {

  static KubernetesClient admin;
  static String ns;
  static OwnerReference cluster;
  static OwnerReference otherCluster;

  @BeforeAll
  static void start() {
    admin = RealCluster.client();
    ns = RealCluster.createNamespace(admin, "created-it", Map.of());
    cluster = controller(admin.resource(configMap("cluster")).create());
    otherCluster = controller(admin.resource(configMap("other")).create());
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
  }

  static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().build();
  }

  // Owners that exist, so the garbage collector leaves the Secrets alone while the test reads them.
  static OwnerReference controller(ConfigMap owner) {
    return new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap").withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid()).withController(true).build();
  }

  static Secret secret(String name, OwnerReference owner, String password) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).withOwnerReferences(owner)
        .endMetadata().addToData("password", password).build();
  }

  @Test
  void aResentCreateKeepsTheSecretTheFirstOneMade() {
    Secret first = AlreadyCreated.orOwnExisting(admin, secret("market-superuser", cluster, "Zmlyc3Q="),
        () -> admin.resource(secret("market-superuser", cluster, "Zmlyc3Q=")).create());
    Secret desired = secret("market-superuser", cluster, "c2Vjb25k");

    Secret again = AlreadyCreated.orOwnExisting(admin, desired, () -> admin.resource(desired).create());

    assertThat(again.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
    assertThat(again.getData()).as("the first password stays").containsEntry("password", "Zmlyc3Q=");
    assertThat(admin.secrets().inNamespace(ns).withName("market-superuser").get().getMetadata().getResourceVersion())
        .as("nothing written").isEqualTo(first.getMetadata().getResourceVersion());
  }

  @Test
  void aSecretOfThatNameThatAnotherControllerOrAUserMadeStillFails() {
    admin.resource(secret("desk-ca", otherCluster, "b3RoZXI=")).create();
    admin.resource(new SecretBuilder().withNewMetadata().withName("desk-replication").withNamespace(ns).endMetadata()
        .addToData("password", "dXNlcg==").build()).create();

    for (String name : new String[] {"desk-ca", "desk-replication"}) {
      Secret desired = secret(name, cluster, "b3Vycw==");
      assertThatThrownBy(() -> AlreadyCreated.orOwnExisting(admin, desired, () -> admin.resource(desired).create()))
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    }
  }

  @Test
  void otherFailuresOfTheCreateAreNotSwallowed() {
    Secret invalid = secret("Not_A_Valid_Name", cluster, "eA==");
    assertThatThrownBy(() -> AlreadyCreated.orOwnExisting(admin, invalid, () -> admin.resource(invalid).create()))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
  }
}
