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
  /** The Secret's key with pgbouncer.ini's auth_user line, which pgbouncer.ini includes last. */
  public static final String AUTH_USER_KEY = "auth_user.ini";
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
   * password and never regenerate it; {@link PoolerAuthSetup#apply} sets the same password, and a
   * password rotation replaces the whole login ({@link #login}).
   */
  public static Secret authSecret(ClusterModel model, String password) {
    ClusterNames names = model.names();
    Map<String, String> extra = new LinkedHashMap<>(login(PoolerAuthSetup.ROLE, password));
    extra.remove(LoginSecrets.USERNAME_KEY);
    extra.remove(LoginSecrets.PASSWORD_KEY);
    return LoginSecrets.build(
        names.poolerAuthSecret(), names.namespace(), PoolerDeployment.labels(model),
        PoolerAuthSetup.ROLE, password, extra);
  }

  /**
   * Every key of the Secret that names the lookup login pgBouncer uses, written together so that
   * kubelet delivers them in one update: the login, the auth file and the auth_user line.
   */
  public static Map<String, String> login(String role, String password) {
    if (!PoolerAuthSetup.isLookupLogin(role)) {
      throw new IllegalArgumentException("'" + role + "' is not a lookup login of the pooler");
    }
    Map<String, String> data = new LinkedHashMap<>();
    data.put(LoginSecrets.USERNAME_KEY, role);
    data.put(LoginSecrets.PASSWORD_KEY, password);
    data.put(AUTH_FILE_KEY, authFile(Map.of(role, password)));
    data.put(AUTH_USER_KEY, "auth_user = " + role + "\n");
    return data;
  }

  /**
   * pgBouncer's auth_file: the lookup login, with a clear-text password it can log in with; during a
   * rotation also the one it moves from, so that files delivered one at a time still agree.
   */
  public static String authFile(Map<String, String> logins) {
    StringBuilder file = new StringBuilder();
    logins.forEach((role, password) -> file.append(quoted(role)).append(' ').append(quoted(password)).append('\n'));
    return file.toString();
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
