package io.tradingdb.operator.tradingdatabase.workload;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The credentials Secrets of a cluster. Passwords are passed in, so tests stay deterministic. */
public final class ClusterSecrets {

  public static final String SUPERUSER = "postgres";
  public static final String REPLICATION_USER = "standby";
  public static final String RESTAPI_USER = "patroni";

  private ClusterSecrets() {}

  public static Secret superuser(TradingDatabase owner, ClusterModel model, String password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("username", SUPERUSER);
    data.put("password", password);
    return secret(owner, model, model.names().superuserSecret(), data);
  }

  /** Replication and Patroni REST API credentials: internal to the cluster, never for apps. */
  public static Secret replication(
      TradingDatabase owner, ClusterModel model, String replicationPassword, String restApiPassword) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("username", REPLICATION_USER);
    data.put("password", replicationPassword);
    data.put("restapi-username", RESTAPI_USER);
    data.put("restapi-password", restApiPassword);
    return secret(owner, model, model.names().replicationSecret(), data);
  }

  private static Secret secret(
      TradingDatabase owner, ClusterModel model, String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "credentials"))
        .withOwnerReferences(Owners.controllerReference(owner))
        .endMetadata()
        .withType("kubernetes.io/basic-auth")
        .withData(base64(data))
        .build();
  }

  // Written as data, not stringData, so what is sent equals what is read back.
  private static Map<String, String> base64(Map<String, String> plain) {
    Map<String, String> encoded = new LinkedHashMap<>();
    plain.forEach(
        (k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }
}
