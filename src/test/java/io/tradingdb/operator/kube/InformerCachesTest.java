package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InformerCachesTest {

  private static ManagedFieldsEntry entry(String manager, String operation, String subresource) {
    return new ManagedFieldsEntryBuilder().withManager(manager).withOperation(operation)
        .withSubresource(subresource).withNewFieldsV1().addToAdditionalProperties("f:spec", Map.of()).endFieldsV1()
        .build();
  }

  @Test
  void aDependentKeepsOnlyTheOperatorsOwnApplyEntry() {
    StatefulSet sts = new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("ns")
        .withManagedFields(entry("tradingdatabase", "Apply", null), entry("kube-controller-manager", "Update", "status"),
            entry("kubectl-edit", "Update", null), entry("tradingdatabase", "Update", null))
        .endMetadata().withNewSpec().withReplicas(2).endSpec().build();

    StatefulSet cached = InformerCaches.keepOwnApplyEntry(sts, "tradingdatabase");

    assertThat(cached.getMetadata().getManagedFields())
        .extracting(e -> e.getManager() + "/" + e.getOperation())
        .containsExactly("tradingdatabase/Apply");
    assertThat(cached.getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void anObjectTheOperatorNeverAppliedKeepsNoEntry() {
    StatefulSet sts = new StatefulSetBuilder().withNewMetadata().withName("db")
        .withManagedFields(entry("someone", "Apply", null)).endMetadata().build();

    assertThat(InformerCaches.keepOwnApplyEntry(sts, "tradingdatabase").getMetadata().getManagedFields()).isNullOrEmpty();
  }

  @Test
  void aPodKeepsWhatTheReconcilerReadsAndNothingElse() {
    Pod pod = new PodBuilder().withNewMetadata().withName("db-0").withNamespace("ns").withUid("u").withResourceVersion("7")
        .withLabels(Map.of("role", "primary", "app.kubernetes.io/instance", "db"))
        .withDeletionTimestamp("2026-11-30T10:00:00Z")
        .withAnnotations(Map.of("status", "{\"big\":\"patroni state\"}"))
        .withManagedFields(entry("kwok", "Update", "status"))
        .endMetadata()
        .withNewSpec().withNodeName("kwok-node-0").addNewContainer().withName("postgres").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus()
        .build();

    Pod cached = InformerCaches.podMetadata(pod);

    assertThat(cached.getMetadata().getName()).isEqualTo("db-0");
    assertThat(cached.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getMetadata().getLabels()).containsEntry("role", "primary");
    assertThat(cached.getMetadata().getDeletionTimestamp()).isEqualTo("2026-11-30T10:00:00Z");
    assertThat(cached.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec()).isNull();
    assertThat(cached.getStatus()).isNull();
  }

  @Test
  void aPodKeepsOnlyTheReasonOfAContainerThatCannotStart() {
    Pod pod = new PodBuilder().withNewMetadata().withName("db-0").withNamespace("ns").endMetadata()
        .withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("postgres").withRestartCount(4).withNewState().withNewWaiting()
        .withReason("CrashLoopBackOff").withMessage("back-off 40s restarting failed container").endWaiting().endState()
        .endContainerStatus()
        .addNewContainerStatus().withName("exporter").withNewState().withNewWaiting().withReason("ContainerCreating")
        .endWaiting().endState().endContainerStatus()
        .addNewContainerStatus().withName("sidecar").withNewState().withNewRunning().endRunning().endState()
        .endContainerStatus()
        .endStatus().build();

    Pod cached = InformerCaches.podMetadata(pod);

    assertThat(cached.getStatus().getPhase()).isNull();
    assertThat(cached.getStatus().getContainerStatuses()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo("postgres");
      assertThat(c.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
      assertThat(c.getState().getWaiting().getMessage()).isNull();
      assertThat(c.getRestartCount()).isNull();
    });
    assertThat(InformerCaches.waitingContainers(cached)).isEqualTo(InformerCaches.waitingContainers(pod));
  }

  @Test
  void aCustomResourceLosesManagedFieldsAndKubectlsCopyOfItsSpec() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    db.getMetadata().setManagedFields(new java.util.ArrayList<>(java.util.List.of(entry("kubectl", "Apply", null))));
    db.getMetadata().setAnnotations(new HashMap<>(Map.of(
        InformerCaches.LAST_APPLIED, "{\"spec\":{}}", "team", "market-data")));

    TradingDatabase cached = InformerCaches.primary(db);

    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("team");
    assertThat(cached.getSpec().getDatabaseName()).isEqualTo("ai_trading");
  }

  @Test
  void anIdentityOnlyCopyKeepsNameNamespaceAndVersion() {
    TradingDatabase db = Samples.tradingDatabase("ns", "db");
    db.getMetadata().setResourceVersion("42");

    TradingDatabase slim = InformerCaches.identityOnly(db, TradingDatabase::new);

    assertThat(slim.getMetadata().getName()).isEqualTo("db");
    assertThat(slim.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(slim.getSpec()).isNull();
  }

  private static ManagedFieldsEntry applyEntry(String ownerUid) {
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("f:metadata", new LinkedHashMap<>(Map.of("f:labels", new LinkedHashMap<>(Map.of("f:app", Map.of())))));
    template.put("f:spec", new LinkedHashMap<>(Map.of("f:containers", new LinkedHashMap<>(
        Map.of("k:{\"name\":\"postgres\"}", new LinkedHashMap<>(Map.of("f:image", Map.of(), ".", Map.of())))))));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("f:labels", new LinkedHashMap<>(Map.of("f:app", Map.of())));
    metadata.put("f:ownerReferences", new LinkedHashMap<>(Map.of("k:{\"uid\":\"" + ownerUid + "\"}", Map.of())));
    return new ManagedFieldsEntryBuilder().withManager("tradingdatabase").withOperation("Apply")
        .withNewFieldsV1()
        .addToAdditionalProperties("f:metadata", metadata)
        .addToAdditionalProperties("f:spec", new LinkedHashMap<>(Map.of("f:replicas", Map.of(), "f:template", template)))
        .endFieldsV1().build();
  }

  private static StatefulSet withEntry(String name, ManagedFieldsEntry entry) {
    return new StatefulSetBuilder().withNewMetadata().withName(name).withManagedFields(entry).endMetadata().build();
  }

  @Test
  void twoObjectsShareEveryFieldSubtreeButTheirOwnersUid() {
    StatefulSet a = InformerCaches.keepOwnApplyEntry(withEntry("a", applyEntry("uid-a")), "tradingdatabase");
    StatefulSet b = InformerCaches.keepOwnApplyEntry(withEntry("b", applyEntry("uid-b")), "tradingdatabase");

    Map<String, Object> fieldsA = a.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties();
    Map<String, Object> fieldsB = b.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties();
    // The same content as received: the matcher reads what the API server wrote.
    assertThat(fieldsA).isEqualTo(applyEntry("uid-a").getFieldsV1().getAdditionalProperties());
    assertThat(fieldsA.get("f:spec")).isSameAs(fieldsB.get("f:spec"));
    assertThat(fieldsA.get("f:metadata")).isNotEqualTo(fieldsB.get("f:metadata"));
    assertThat(((Map<?, ?>) fieldsA.get("f:metadata")).get("f:labels"))
        .isSameAs(((Map<?, ?>) fieldsB.get("f:metadata")).get("f:labels"));
  }

  @Test
  void aConfigMapKeepsDigestsOfItsDataAndMatchesOnThem() {
    String dashboard = "{\"panels\": []}".repeat(1000);
    ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName("db-dashboard")
        .withManagedFields(entry("tradingdatabase", "Apply", null), entry("kubectl-edit", "Update", null))
        .endMetadata().withData(Map.of("db.json", dashboard)).build();
    ConfigMap desired = new ConfigMapBuilder().withNewMetadata().withName("db-dashboard").endMetadata()
        .withData(Map.of("db.json", dashboard)).build();

    ConfigMap cached = InformerCaches.configMapDigests(configMap, "tradingdatabase");

    String digest = cached.getData().get("db.json");
    assertThat(digest).startsWith(InformerCaches.DIGEST_PREFIX).hasSizeLessThan(100);
    assertThat(cached.getMetadata().getManagedFields()).hasSize(1);
    assertThat(InformerCaches.withDataDigests(desired).getData()).containsExactly(Map.entry("db.json", digest));
    assertThat(InformerCaches.withDataDigests(cached).getData()).containsExactly(Map.entry("db.json", digest));
    assertThat(desired.getData()).containsEntry("db.json", dashboard);
    assertThat(InformerCaches.withDataDigests(new ConfigMapBuilder(desired).withData(Map.of("db.json", dashboard + " "))
        .build()).getData().get("db.json")).isNotEqualTo(digest);
  }
}
