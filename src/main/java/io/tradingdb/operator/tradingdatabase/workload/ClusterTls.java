package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.CertificateAuthority;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Secrets of the operator-issued TLS: the cluster's CA and the server certificate it signs. */
public final class ClusterTls {

  private ClusterTls() {}

  /** Every name a client may use to reach the cluster, so sslmode=verify-full works everywhere. */
  public static List<String> dnsNames(ClusterNames n) {
    List<String> names = new ArrayList<>();
    for (String service : List.of(n.readWriteService(), n.readOnlyService(), n.poolerService())) {
      names.add(service);
      names.add(service + "." + n.namespace());
      names.add(service + "." + n.namespace() + ".svc");
      names.add(service + "." + n.namespace() + ".svc.cluster.local");
    }
    names.add("*." + n.headlessService() + "." + n.namespace() + ".svc");
    names.add("*." + n.headlessService() + "." + n.namespace() + ".svc.cluster.local");
    names.add("localhost");
    return names;
  }

  public static Secret caSecret(TradingDatabase owner, ClusterModel model, CertificateAuthority.Pem ca) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PodLayout.CA_CERT, ca.certificate());
    data.put(PodLayout.CA_KEY, ca.privateKey());
    return secret(owner, model, model.names().caSecret(), "Opaque", data);
  }

  public static Secret serverSecret(
      TradingDatabase owner, ClusterModel model, String caCertificate, CertificateAuthority.Pem server) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PodLayout.CA_CERT, caCertificate);
    data.put(PodLayout.TLS_CERT, server.certificate());
    data.put(PodLayout.TLS_KEY, server.privateKey());
    return secret(owner, model, model.tlsSecret(), "kubernetes.io/tls", data);
  }

  /** Names the backup Job uses to reach each instance's pgBackRest server. */
  public static List<String> podDnsNames(ClusterNames n) {
    return List.of(
        "*." + n.headlessService() + "." + n.namespace() + ".svc",
        "*." + n.headlessService() + "." + n.namespace() + ".svc.cluster.local");
  }

  /** pgBackRest's TLS pair: a server certificate for the instances, a client certificate for the Jobs. */
  public static Secret pgBackRestSecret(
      TradingDatabase owner, ClusterModel model, String caCertificate, CertificateAuthority.Pem server,
      CertificateAuthority.Pem client) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PodLayout.CA_CERT, caCertificate);
    data.put(PodLayout.TLS_CERT, server.certificate());
    data.put(PodLayout.TLS_KEY, server.privateKey());
    data.put(PodLayout.CLIENT_CERT, client.certificate());
    data.put(PodLayout.CLIENT_KEY, client.privateKey());
    return secret(owner, model, model.names().pgBackRestTlsSecret(), "Opaque", data);
  }

  public static String decoded(Secret secret, String key) {
    return SecretData.value(secret, key);
  }

  private static Secret secret(
      TradingDatabase owner, ClusterModel model, String name, String type, Map<String, String> plain) {
    Map<String, String> data = new LinkedHashMap<>();
    plain.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "tls"))
        .withOwnerReferences(Owners.controllerReference(owner))
        .endMetadata()
        .withType(type)
        .withData(data)
        .build();
  }
}
