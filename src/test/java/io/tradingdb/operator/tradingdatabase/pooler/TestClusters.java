package io.tradingdb.operator.tradingdatabase.pooler;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** TradingDatabases for the pooler and monitoring tests, read from readable YAML. */
public final class TestClusters {

  private TestClusters() {}

  /** A TradingDatabase from src/test/resources/{@code resource}. */
  public static TradingDatabase read(String resource) {
    try (InputStream in = TestClusters.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException(resource + " is not on the test classpath");
      }
      return Serialization.unmarshal(in, TradingDatabase.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ClusterModel model(String resource) {
    return ClusterModel.from(read(resource));
  }

  /** A TradingDatabase {@code namespace/name} with the given spec (YAML), for tests that vary a field. */
  public static ClusterModel model(String namespace, String name, String specYaml) {
    String yaml = "apiVersion: tradingdb.io/v1alpha1\nkind: TradingDatabase\n"
        + "metadata: {name: " + name + ", namespace: " + namespace + "}\nspec:\n" + specYaml.indent(2);
    return ClusterModel.from(Serialization.unmarshal(yaml, TradingDatabase.class));
  }
}
