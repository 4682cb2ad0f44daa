package io.tradingdb.operator.tradingdatabase.pooler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.monitoring.LoginSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ConfigMap with pgbouncer.ini and its start script, and the Secret with the lookup login. */
public final class PoolerConfigMap {

  public static final String AUTH_FILE_KEY = "userlist.txt";
  public static final String RUN_SCRIPT = loadRunScript();

  private PoolerConfigMap() {}

  public static ConfigMap configMap(ClusterModel model) {
    ClusterNames names = model.names();
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PoolerLayout.CONFIG_FILE, PgBouncerIni.render(model, PoolerLayout.inPod(model)));
    data.put(PoolerLayout.RUN_SCRIPT, RUN_SCRIPT);
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.poolerConfig())
        .withNamespace(names.namespace())
        .withLabels(PoolerDeployment.labels(model))
        .endMetadata()
        .withData(data)
        .build();
  }

  /**
   * pgBouncer's own login for auth_query and the stats console. Create it once with a generated
   * password and never regenerate it; {@link PoolerAuthSetup#apply} sets the same password.
   */
  public static Secret authSecret(ClusterModel model, String password) {
    ClusterNames names = model.names();
    return LoginSecrets.build(
        names.poolerAuthSecret(), names.namespace(), PoolerDeployment.labels(model),
        PoolerAuthSetup.ROLE, password, Map.of(AUTH_FILE_KEY, authFile(password)));
  }

  /** pgBouncer's auth_file: only the lookup login, with a clear-text password it can log in with. */
  public static String authFile(String password) {
    return quoted(PoolerAuthSetup.ROLE) + " " + quoted(password) + "\n";
  }

  private static String quoted(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  private static String loadRunScript() {
    try (InputStream in = PoolerConfigMap.class.getResourceAsStream("/pooler/run-pgbouncer.sh")) {
      if (in == null) {
        throw new IllegalStateException("pooler/run-pgbouncer.sh is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
