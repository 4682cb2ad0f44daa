package io.tradingdb.operator.e2e;

import io.tradingdb.operator.testsupport.InTestJvm;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.RealCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.postgres.AdminConnection;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.tradingdatabase.DatabaseChecks;
import io.tradingdb.operator.tradingdatabase.PatroniOperations;
import io.tradingdb.operator.tradingdatabase.TradingDatabaseReconciler;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import java.time.Clock;
import java.util.Set;

/**
 * The day-2 real-node tests' operator in this JVM, and their way to a cluster's REST API: HTTPS,
 * checked against the cluster's CA.
 */
final class RealNodePatroni {

  private static final PatroniClient ROOT = new PatroniClient();

  private RealNodePatroni() {}

  static PatroniClient client(KubernetesClient client, String ns, String name) {
    ClusterNames names = new ClusterNames(name, ns);
    Secret tls = client.secrets().inNamespace(ns).withName(names.tlsSecret()).get();
    return ROOT.forCluster(new PatroniClient.Tls(SecretData.value(tls, "ca.crt"),
        names.headlessService() + "." + ns + ".svc"));
  }

  /**
   * The operator in this JVM, watching {@code ns}, with the database checks on as in production (they
   * create the pooler's lookup role, without which pgBouncer logs in nowhere). It reaches the primary
   * through the {@code <name>-rw} Service's ClusterIP: the host has no cluster DNS.
   */
  static Operator startOperator(KubernetesClient client, String ns, String name) {
    Operator operator = new Operator(o -> InTestJvm.configure(o.withKubernetesClient(client).withCloseClientOnStop(false)));
    Clock clock = Clock.systemUTC();
    DatabaseChecks checks = new DatabaseChecks(client, new PostgresConnections(), clock, model -> AdminConnection.resolve(
        client, ns, new ConnectionTarget(rwIp(client, ns, name), ClusterNames.POSTGRES_PORT, model.databaseName(),
            "require", model.superuserSecret(), "username", "password", null, null, null, 0)));
    operator.register(new TradingDatabaseReconciler(client, clock, checks,
        new PatroniOperations(client, new PatroniClient(), clock), "tradingdb-system"), c -> c.settingNamespaces(Set.of(ns)));
    operator.start();
    return operator;
  }

  /** A new namespace that enforces Pod Security restricted, and the operator in this JVM watching it. */
  record Session(KubernetesClient client, String namespace, Operator operator) implements AutoCloseable {

    static Session open(String namespacePrefix, String cluster) throws Exception {
      KubernetesClient client = RealCluster.client();
      RealCluster.installCrds(client);
      String ns = RealCluster.createNamespace(client, namespacePrefix, RealNodeOperator.RESTRICTED);
      try {
        return new Session(client, ns, startOperator(client, ns, cluster));
      } catch (RuntimeException e) {
        RealNodeOperator.deleteNamespace(client, ns);
        throw e;
      }
    }

    /** Deletes the namespace (the operator still runs, to take its finalizers off), then stops the operator. */
    @Override
    public void close() throws Exception {
      try {
        RealNodeOperator.deleteNamespace(client, namespace);
      } finally {
        InTestJvm.stop(operator);
      }
    }
  }

  static String rwIp(KubernetesClient client, String ns, String name) {
    Service rw = client.services().inNamespace(ns).withName(name + "-rw").get();
    if (rw == null) {
      throw new IllegalStateException("no Service " + name + "-rw in " + ns + " yet");
    }
    return rw.getSpec().getClusterIP();
  }

  static String base(String ip) {
    return PatroniClient.base(true, ip, ClusterNames.PATRONI_PORT);
  }
}
