package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tradingdb.operator.testsupport.RealCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An informer with the operator's compact cache, listing in pages from a real kube-apiserver: the
 * add events of its initial list wait until the list is complete and carry the cached (transformed)
 * object, so the decoded objects of a start-up are not all kept alive in the event queues at once.
 */
class CompactItemStoreIT {

  static final int OBJECTS = 7;
  static KubernetesClient admin;
  static String ns;

  @BeforeAll
  static void start() {
    admin = RealCluster.client();
    ns = RealCluster.createNamespace(admin, "compact-it", Map.of());
    for (int i = 0; i < OBJECTS; i++) {
      admin.resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).withNamespace(ns)
          .addToLabels("test", "compact").endMetadata()
          .addToData("blob", "x".repeat(4096)).build()).create();
    }
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void theInitialListsAddEventsCarryTheCachedObjectsOnceTheListIsComplete() {
    SharedIndexInformer<ConfigMap> informer = admin.configMaps().inNamespace(ns).withLabel("test", "compact")
        .withLimit(2L).runnableInformer(0);
    informer.itemStore(new CompactItemStore<>(c -> InformerCaches.identityOnly(c, ConfigMap::new)));
    List<ConfigMap> added = new CopyOnWriteArrayList<>();
    AtomicInteger cachedAtFirstAdd = new AtomicInteger(-1);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap obj) {
        cachedAtFirstAdd.compareAndSet(-1, informer.getStore().list().size());
        added.add(obj);
      }

      @Override
      public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {}

      @Override
      public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {}
    });
    try {
      informer.run();
      await().atMost(RealCluster.timeout()).until(() -> added.size() == OBJECTS);
      assertThat(added).extracting(c -> c.getMetadata().getName())
          .containsExactlyInAnyOrder("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6");
      assertThat(added).as("the cached copies, without the 4 KiB of data each decoded object had")
          .allSatisfy(c -> assertThat(c.getData()).isNullOrEmpty())
          .allSatisfy(c -> assertThat(c).isSameAs(informer.getStore().getByKey(ns + "/" + c.getMetadata().getName())));
      assertThat(cachedAtFirstAdd).as("the first add came after all %d pages of 2", (OBJECTS + 1) / 2)
          .hasValue(OBJECTS);
    } finally {
      informer.stop();
    }
  }

  @Test
  void anObjectThatIsDeletedIsReportedByItsKey() {
    admin.resource(new ConfigMapBuilder().withNewMetadata().withName("goes").withNamespace(ns)
        .addToLabels("test", "removal").endMetadata().build()).create();
    List<String> removed = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer = admin.configMaps().inNamespace(ns).withLabel("test", "removal")
        .runnableInformer(0);
    informer.itemStore(new CompactItemStore<>(c -> InformerCaches.identityOnly(c, ConfigMap::new), removed::add));
    try {
      informer.run();
      await().atMost(RealCluster.timeout()).until(() -> informer.getStore().list().size() == 1);
      assertThat(removed).isEmpty();
      admin.configMaps().inNamespace(ns).withName("goes").delete();
      await().atMost(RealCluster.timeout()).until(() -> !removed.isEmpty());
      assertThat(removed).containsExactly(ns + "/goes");
    } finally {
      informer.stop();
    }
  }
}
