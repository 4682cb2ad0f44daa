package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every event decodes to what fabric8's own path gives; the typed path takes the kinds it knows. */
class TypedWatchEventsTest {

  private static final String POD = """
      {"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"db-0","namespace":"markets",\
      "uid":"0b8c","resourceVersion":"4711","labels":{"app.kubernetes.io/instance":"db","role":"primary"},\
      "ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"db","uid":"77aa","controller":true,"blockOwnerDeletion":true}],\
      "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2026-12-02T07:00:00Z",\
      "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:role":{}}}}}]},\
      "spec":{"containers":[{"name":"postgres","image":"timescale/timescaledb-ha:pg16","ports":[{"containerPort":5432,"protocol":"TCP"}],\
      "resources":{"requests":{"cpu":"500m","memory":"1Gi"}}}],"nodeName":"kwok-node-0"},\
      "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-12-02T07:00:01Z"}],\
      "containerStatuses":[{"name":"postgres","ready":true,"restartCount":0,"image":"x","imageID":"","state":{"running":{"startedAt":"2026-12-02T07:00:01Z"}}}],\
      "podIP":"198.18.0.7","someFieldFromANewerServer":{"a":1}}}}""";

  private static final String ERROR = """
      {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
      "message":"too old resource version: 1 (4711)","reason":"Expired","code":410}}""";

  private static final String BOOKMARK = """
      {"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"4712",\
      "annotations":{"k8s.io/initial-events-end":"true"}}}}""";

  private static final String CLUSTER = """
      {"type":"ADDED","object":{"apiVersion":"tradingdb.io/v1alpha1","kind":"TradingDatabase",\
      "metadata":{"name":"db","namespace":"markets","generation":2,"resourceVersion":"9"},\
      "spec":{"instances":2,"profile":"production"}}}""";

  private static final String UNKNOWN_KIND = """
      {"type":"ADDED","object":{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"w"},"spec":{"size":3}}}""";

  private static final String OBJECT_FIRST = """
      {"object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"db-0"}},"type":"DELETED"}""";

  private final TypedWatchEvents typed = new TypedWatchEvents();
  private final KubernetesSerialization fabric8 = new KubernetesSerialization();

  @Test
  void knownKindsTakeTheTypedPathAndDecodeAsFabric8Does() {
    typed.registerKubernetesResource(TradingDatabase.class);
    fabric8.registerKubernetesResource(TradingDatabase.class);
    for (String json : new String[] {POD, ERROR, BOOKMARK, CLUSTER}) {
      assertThat(typed.typed(json.getBytes(StandardCharsets.UTF_8))).as(json).isNotNull();
      assertSameDecoding(json);
    }
    Pod pod = (Pod) typed.unmarshal(POD, WatchEvent.class).getObject();
    assertThat(pod.getMetadata().getManagedFields()).hasSize(1);
    assertThat(pod.getStatus().getAdditionalProperties()).containsKey("someFieldFromANewerServer");
    assertThat(typed.unmarshal(ERROR, WatchEvent.class).getObject()).isInstanceOf(Status.class);
    assertThat(typed.unmarshal(CLUSTER, WatchEvent.class).getObject()).isInstanceOf(TradingDatabase.class);
  }

  @Test
  void unknownKindsAndOtherLayoutsAreLeftToFabric8() {
    for (String json : new String[] {UNKNOWN_KIND, OBJECT_FIRST, "{\"type\":\"ADDED\"}", "not json"}) {
      assertThat(typed.typed(json.getBytes(StandardCharsets.UTF_8))).as(json).isNull();
    }
    for (String json : new String[] {UNKNOWN_KIND, OBJECT_FIRST}) {
      assertSameDecoding(json);
    }
    assertThat(typed.unmarshal(UNKNOWN_KIND, WatchEvent.class).getObject())
        .isInstanceOf(GenericKubernetesResource.class);
  }

  /** Same class and same content (our CRD classes have no equals, so content is compared as JSON). */
  private void assertSameDecoding(String json) {
    WatchEvent ours = typed.unmarshal(json, WatchEvent.class);
    WatchEvent theirs = fabric8.unmarshal(json, WatchEvent.class);
    assertThat(ours.getType()).as(json).isEqualTo(theirs.getType());
    assertThat(ours.getObject()).as(json).hasSameClassAs(theirs.getObject());
    assertThat(fabric8.asJson(ours.getObject())).as(json).isEqualTo(fabric8.asJson(theirs.getObject()));
  }
}
