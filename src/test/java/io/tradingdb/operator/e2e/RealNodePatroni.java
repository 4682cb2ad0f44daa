package io.tradingdb.operator.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;

/** The tests' way to a real-node cluster's REST API: HTTPS, checked against the cluster's CA. */
final class RealNodePatroni {

  private static final PatroniClient ROOT = new PatroniClient();

  private RealNodePatroni() {}

  static PatroniClient client(KubernetesClient client, String ns, String name) {
    ClusterNames names = new ClusterNames(name, ns);
    Secret tls = client.secrets().inNamespace(ns).withName(names.tlsSecret()).get();
    return ROOT.forCluster(new PatroniClient.Tls(SecretData.value(tls, "ca.crt"),
        names.headlessService() + "." + ns + ".svc"));
  }

  static String base(String ip) {
    return PatroniClient.base(true, ip, ClusterNames.PATRONI_PORT);
  }
}
