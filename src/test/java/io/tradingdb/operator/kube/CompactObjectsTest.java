package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactObjectsTest {

  /** As an informer gets it: decoded from JSON, so no two objects share a String. */
  private static StatefulSet decoded(String name) {
    StatefulSet built = new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace("trading").withUid("uid-" + name).withResourceVersion("42")
        .withLabels(Map.of("app.kubernetes.io/managed-by", "tradingdb-operator", "app.kubernetes.io/instance", "db"))
        .addNewOwnerReference().withApiVersion("tradingdb.io/v1alpha1").withKind("TradingDatabase").withName("db")
        .withUid("owner-uid").endOwnerReference()
        .endMetadata()
        .withNewSpec().withReplicas(2).withNewTemplate().withNewSpec()
        .addNewContainer().withName("postgres").withImage("postgres:16").withArgs("-c", "shared_buffers=128MB")
        .withNewResources().addToRequests("memory", new Quantity("1Gi")).endResources().endContainer()
        .endSpec().endTemplate().endSpec().build();
    return Serialization.unmarshal(Serialization.asJson(built), StatefulSet.class);
  }

  @Test
  void equalStringsOfTwoObjectsBecomeOneInstance() {
    StatefulSet a = decoded("db-a");
    StatefulSet b = decoded("db-b");
    assertThat(a.getMetadata().getNamespace()).isNotSameAs(b.getMetadata().getNamespace());
    assertThat(a.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isNotSameAs(b.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());

    CompactObjects.compact(a);
    CompactObjects.compact(b);

    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace()).isEqualTo("trading");
    assertThat(a.getMetadata().getLabels().get("app.kubernetes.io/managed-by"))
        .isSameAs(b.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    assertThat(a.getMetadata().getOwnerReferences().get(0).getUid())
        .isSameAs(b.getMetadata().getOwnerReferences().get(0).getUid());
    var containerA = a.getSpec().getTemplate().getSpec().getContainers().get(0);
    var containerB = b.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(containerA.getImage()).isSameAs(containerB.getImage());
    assertThat(containerA.getArgs().get(1)).isSameAs(containerB.getArgs().get(1));
    assertThat(containerA.getResources().getRequests().get("memory").getFormat())
        .isSameAs(containerB.getResources().getRequests().get("memory").getFormat());
  }

  @Test
  void theObjectIsUnchangedInContent() {
    StatefulSet compacted = CompactObjects.compact(decoded("db-a"));

    assertThat(compacted).isEqualTo(decoded("db-a"));
    // The same JSON tree (the order of a shared map's keys may differ, as JSON objects allow).
    assertThat(Serialization.unmarshal(Serialization.asJson(compacted), Map.class))
        .isEqualTo(Serialization.unmarshal(Serialization.asJson(decoded("db-a")), Map.class));
  }

  @Test
  void emptyExtrasAreSharedAndACopyOfTheCachedObjectIsWritable() {
    StatefulSet a = CompactObjects.compact(decoded("db-a"));
    StatefulSet b = CompactObjects.compact(decoded("db-b"));

    assertThat(a.getMetadata().getAdditionalProperties()).isEmpty();
    assertThat(a.getMetadata().getAdditionalProperties()).isSameAs(b.getSpec().getAdditionalProperties());
    // The cache is read only; a builder copy of a cached object is a normal, writable object.
    assertThatThrownBy(() -> a.getMetadata().setAdditionalProperty("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    StatefulSet copy = new StatefulSetBuilder(a).build();
    copy.getMetadata().setAdditionalProperty("x", 1);
    assertThat(copy.getMetadata().getAdditionalProperties()).containsEntry("x", 1);
  }

  @Test
  void mapsOfStringsWithEqualContentBecomeOneImmutableMap() {
    StatefulSet a = CompactObjects.compact(decoded("db-a"));
    StatefulSet b = CompactObjects.compact(decoded("db-b"));

    assertThat(a.getMetadata().getLabels()).isSameAs(b.getMetadata().getLabels())
        .containsOnly(Map.entry("app.kubernetes.io/managed-by", "tradingdb-operator"), Map.entry("app.kubernetes.io/instance", "db"));
    assertThatThrownBy(() -> a.getMetadata().getLabels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    StatefulSet copy = new StatefulSetBuilder(a).editMetadata().addToLabels("x", "y").endMetadata().build();
    assertThat(copy.getMetadata().getLabels()).containsEntry("x", "y").hasSize(3);
    assertThat(a.getMetadata().getLabels()).hasSize(2);
  }

  @Test
  void listsKeepTheirElementsWithoutSpareCapacity() {
    StatefulSet compacted = CompactObjects.compact(decoded("db-a"));

    assertThat(compacted.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .isInstanceOf(ArrayList.class).containsExactly("-c", "shared_buffers=128MB");
  }

  @Test
  void valuesUniqueToAnObjectAndSecretDataAreNotInterned() {
    Secret a = secret("u-1");
    Secret b = secret("u-1");
    assertThat(a.getMetadata().getUid()).isNotSameAs(b.getMetadata().getUid());

    CompactObjects.compact(a);
    CompactObjects.compact(b);

    // Equal values that stay two instances: the JVM's string table did not get them.
    assertThat(a.getMetadata().getUid()).isEqualTo(b.getMetadata().getUid()).isNotSameAs(b.getMetadata().getUid());
    assertThat(a.getData().get("password")).isEqualTo(b.getData().get("password"))
        .isNotSameAs(b.getData().get("password"));
    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
  }

  private static Secret secret(String uid) {
    Secret built = new SecretBuilder().withNewMetadata().withName("db-superuser").withNamespace("trading").withUid(uid)
        .endMetadata().withData(Map.of("password", "cGFzc3dvcmQ=")).build();
    return Serialization.unmarshal(Serialization.asJson(built), Secret.class);
  }
}
