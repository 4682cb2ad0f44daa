package io.tradingdb.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.kube.TypedWatchEvents;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.tradingdatabase.workload.ClusterServices;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * A build-time tool, not the operator: the image build runs this main once under
 * -XX:ArchiveClassesAtExit with the operator's class path. It loads the classes a start-up needs
 * (client, SDK, model, builders, YAML) without a cluster, so the class-data archive makes the
 * real start faster.
 */
public final class CdsTraining {

  private CdsTraining() {}

  public static void main(String[] args) {
    TradingDatabase db = new TradingDatabase();
    db.setMetadata(new ObjectMetaBuilder().withName("training").withNamespace("training").withUid("0").build());
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setProfile(Profile.PRODUCTION);
    spec.setDatabaseName("ai_trading");
    db.setSpec(spec);
    ClusterModel model = ClusterModel.from(db);
    Serialization.asYaml(ClusterStatefulSet.build(model, PatroniConfigMap.rolloutChecksum(model), Map.of()));
    Serialization.asYaml(ClusterServices.readWrite(model));
    OperatorSettings config = new OperatorSettings(Set.of("training"), "training", false, "127.0.0.1", 0, false);
    // A client for an address nothing listens on: it is built, never used.
    try (KubernetesClient client = TypedWatchEvents.clientBuilder(
            new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build();
        PostgresConnections connections = new PostgresConnections()) {
      Operators.create(client, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
          connections, o -> o.checkingCRDAndValidateLocalModel(false));
    }
  }
}
