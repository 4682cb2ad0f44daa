package io.tradingdb.operator.tradingdatabase.monitoring;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.postgres.ExporterQueries;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.Map;

/** The exporter's custom queries ConfigMap and the Secret of its login. */
public final class MonitoringConfigMap {

  public static final String COMPONENT = "monitoring";
  public static final String QUERIES_KEY = "queries.yaml";

  private MonitoringConfigMap() {}

  public static Map<String, String> labels(ClusterModel model) {
    return Labels.of("tradingdatabase", model.names().cluster(), COMPONENT);
  }

  public static ConfigMap queriesConfigMap(ClusterModel model) {
    ClusterNames names = model.names();
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.monitoringConfig())
        .withNamespace(names.namespace())
        .withLabels(labels(model))
        .endMetadata()
        .withData(Map.of(QUERIES_KEY, ExporterQueries.text()))
        .build();
  }

  /** Create once with a generated password; {@link MonitoringRoleSetup#apply} sets the same one. */
  public static Secret authSecret(ClusterModel model, String password) {
    ClusterNames names = model.names();
    return LoginSecrets.build(names.monitoringSecret(), names.namespace(), labels(model),
        MonitoringRoleSetup.ROLE, password, Map.of());
  }
}
