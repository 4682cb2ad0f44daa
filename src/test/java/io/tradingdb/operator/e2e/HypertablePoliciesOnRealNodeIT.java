package io.tradingdb.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.PostgresServer;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.RealNodeOperator;
import io.tradingdb.operator.testsupport.RealNodePostgres;
import io.tradingdb.operator.tradingdatabase.HypertablePoliciesIT;

/**
 * Issue 17 part 1 on a real pod: every test of {@link HypertablePoliciesIT}, unchanged, against
 * PostgreSQL 17 with TimescaleDB 2.29.2 (the timescaledb-ha stand-in image, patched as
 * testenv/patches/timescaledb says) in a pod on the real node, reached at the pod's IP. Among them:
 * the scheduler's own runs of both policies and of job 3 are recorded as succeeded.
 */
class HypertablePoliciesOnRealNodeIT extends HypertablePoliciesIT {

  private KubernetesClient admin;
  private String ns;

  @Override
  protected PostgresServer startServer() {
    admin = RealCluster.client();
    ns = RealCluster.createNamespace(admin, "tsdb-policies", RealNodeOperator.RESTRICTED);
    return RealNodePostgres.start(admin, ns, "tsdb", Passwords.generate());
  }

  @Override
  protected void stopServer() {
    if (ns != null) {
      // The real node's cores go back to the next suite; the namespace itself may stay (RealCluster).
      // A client of its own: the one the server started with was found closed by the time the class ended.
      try (KubernetesClient cleanup = RealCluster.client()) {
        cleanup.pods().inNamespace(ns).delete();
      }
    }
  }
}
