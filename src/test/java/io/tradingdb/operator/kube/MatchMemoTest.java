package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MatchMemoTest {

  private final MatchMemo memo = new MatchMemo();

  @Test
  void aPositiveMatchHoldsForTheSameGenerationAndObjectVersionOnly() {
    TradingDatabase db = cluster("a", "uid-a", 3L);
    memo.record(db, object("10"), true, id -> true);

    assertThat(memo.matched(db, object("10"))).isTrue();
    assertThat(memo.matched(db, object("11"))).as("someone wrote the object").isFalse();
    assertThat(memo.matched(cluster("a", "uid-a", 4L), object("10"))).as("the spec changed").isFalse();
    assertThat(memo.matched(cluster("a", "uid-new", 3L), object("10"))).as("a new cluster of that name").isFalse();
    assertThat(memo.matched(cluster("b", "uid-a", 3L), object("10"))).as("another cluster").isFalse();
  }

  @Test
  void aNegativeMatchForgetsAndObjectsWithoutVersionsAreNeverRemembered() {
    TradingDatabase db = cluster("a", "uid-a", 3L);
    memo.record(db, object("10"), true, id -> true);
    memo.record(db, object("10"), false, id -> true);
    assertThat(memo.matched(db, object("10"))).isFalse();

    memo.record(cluster("a", "uid-a", null), object("10"), true, id -> true);
    assertThat(memo.matched(cluster("a", "uid-a", null), object("10"))).isFalse();
    memo.record(db, object(null), true, id -> true);
    assertThat(memo.size()).isZero();
  }

  @Test
  void clustersThatAreGoneAreSweptOnceTheMemoHasGrown() {
    Set<ResourceID> existing = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      TradingDatabase db = cluster("db-" + i, "uid-" + i, 1L);
      if (i % 10 == 0) {
        existing.add(ResourceID.fromResource(db));
      }
      memo.record(db, object("1"), true, existing::contains);
    }
    // Sweeps at 257 and 513 entries kept only the existing tenth; the memo never holds all 1,000.
    assertThat(memo.size()).isLessThan(600);
    assertThat(memo.matched(cluster("db-990", "uid-990", 1L), object("1"))).isTrue();
    assertThat(memo.matched(cluster("db-10", "uid-10", 1L), object("1"))).as("still there").isTrue();
  }

  private static TradingDatabase cluster(String name, String uid, Long generation) {
    TradingDatabase db = new TradingDatabase();
    db.getMetadata().setName(name);
    db.getMetadata().setNamespace("ns");
    db.getMetadata().setUid(uid);
    db.getMetadata().setGeneration(generation);
    return db;
  }

  private static ConfigMap object(String resourceVersion) {
    return new ConfigMapBuilder().withNewMetadata().withName("x").withNamespace("ns")
        .withResourceVersion(resourceVersion).endMetadata().build();
  }
}
