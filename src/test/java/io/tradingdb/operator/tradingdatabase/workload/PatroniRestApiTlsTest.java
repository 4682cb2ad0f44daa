package io.tradingdb.operator.tradingdatabase.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HTTPS on Patroni's REST API follows tls.enabled unless tls.patroniRestApi.enabled is false. */
class PatroniRestApiTlsTest {

  @Test
  void tlsOnServesHttpsWithTheServerCertificate() {
    ClusterModel model = ClusterModel.from(Samples.tradingDatabase("trading", "db"));
    assertThat(model.patroni().restApiTls()).isTrue();
    Map<String, Object> doc = PatroniConfigMap.document(model);
    assertThat(doc.get("restapi")).isEqualTo(Map.of("listen", "0.0.0.0:8008",
        "certfile", "/etc/tradingdb/tls/tls.crt", "keyfile", "/etc/tradingdb/tls/tls.key",
        "cafile", "/etc/tradingdb/tls/ca.crt"));
    assertThat(doc.get("ctl")).isEqualTo(Map.of("cacert", "/etc/tradingdb/tls/ca.crt",
        "certfile", "/etc/tradingdb/tls/tls.crt", "keyfile", "/etc/tradingdb/tls/tls.key", "insecure", true));
    assertThat(ClusterStatefulSet.servesRestApiOverTls(pod(model))).isTrue();
  }

  @Test
  void tlsOffOrSwitchedOffForTheRestApiServesHttp() {
    for (TlsSpec tls : new TlsSpec[] {tls(false, null), tls(true, false), tls(null, false)}) {
      TradingDatabase db = Samples.tradingDatabase("trading", "db");
      db.getSpec().setTls(tls);
      ClusterModel model = ClusterModel.from(db);
      assertThat(model.patroni().restApiTls()).isFalse();
      Map<String, Object> doc = PatroniConfigMap.document(model);
      assertThat(doc.get("restapi")).isEqualTo(Map.of("listen", "0.0.0.0:8008"));
      assertThat(doc).doesNotContainKey("ctl");
      assertThat(ClusterStatefulSet.servesRestApiOverTls(pod(model))).isFalse();
    }
    TradingDatabase db = Samples.tradingDatabase("trading", "db");
    db.getSpec().setTls(tls(true, true));
    assertThat(ClusterModel.from(db).patroni().restApiTls()).isTrue();
  }

  static TlsSpec tls(Boolean enabled, Boolean restApi) {
    TlsSpec tls = new TlsSpec();
    tls.setEnabled(enabled);
    TlsSpec.PatroniRestApiTls api = new TlsSpec.PatroniRestApiTls();
    api.setEnabled(restApi);
    tls.setPatroniRestApi(api);
    return tls;
  }

  static Pod pod(ClusterModel model) {
    return new PodBuilder().withSpec(ClusterStatefulSet.build(model, "test", Map.of()).getSpec().getTemplate().getSpec())
        .build();
  }
}
