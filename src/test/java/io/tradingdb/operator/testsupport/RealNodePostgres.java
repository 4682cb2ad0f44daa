package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.tradingdatabase.monitoring.ContainerSecurity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A plain PostgreSQL 17 with TimescaleDB 2.29.2 (the timescaledb-ha stand-in image, which preloads it)
 * in one pod on the real node, without Patroni or the operator: a database for tests of what runs
 * against one (backup Jobs, migration hooks). Superuser {@code postgres} with a password, SCRAM from
 * any address, no TLS. Reached from this machine at the pod's IP, from pods at the Service's IP.
 */
public record RealNodePostgres(String name, String namespace, String password, String podIp, String serviceIp)
    implements PostgresServer {

  public static final Map<String, String> ON_REAL_NODE = Map.of("kubernetes.io/hostname", "real-node");
  public static final Toleration REAL_NODE_TOLERATION = new TolerationBuilder().withKey("tradingdb.io/real-node")
      .withOperator("Exists").withEffect("NoSchedule").build();

  /** Starts the pod and its Service and waits until PostgreSQL accepts connections. */
  public static RealNodePostgres start(KubernetesClient client, String namespace, String name, String password) {
    client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", name).endMetadata()
        .withNewSpec().withNodeSelector(ON_REAL_NODE).withTolerations(REAL_NODE_TOLERATION)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("postgres").withImage(RealNodeOperator.TIMESCALEDB_IMAGE).withImagePullPolicy("IfNotPresent")
        .withCommand("bash", "-ec", """
            printf '%s' "$POSTGRES_PASSWORD" > /tmp/pw
            initdb -D /tmp/pgdata -U postgres -A scram-sha-256 --pwfile=/tmp/pw >/dev/null
            rm /tmp/pw
            echo "host all all 0.0.0.0/0 scram-sha-256" >> /tmp/pgdata/pg_hba.conf
            exec postgres -D /tmp/pgdata -c listen_addresses='*' -c unix_socket_directories=/tmp
            """)
        .addNewEnv().withName("POSTGRES_PASSWORD").withValue(password).endEnv()
        .withNewReadinessProbe().withNewExec().withCommand("pg_isready", "-h", "127.0.0.1", "-U", "postgres").endExec()
        .withPeriodSeconds(2).endReadinessProbe()
        .withSecurityContext(ContainerSecurity.restricted())
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .withNewResources().withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("128Mi"))).endResources()
        .endContainer()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().build()).create();
    client.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().addToSelector("app", name).addNewPort().withPort(5432).withNewTargetPort(5432).endPort().endSpec()
        .build()).create();
    Pod ready = client.pods().inNamespace(namespace).withName(name).waitUntilReady(3, TimeUnit.MINUTES);
    String serviceIp = client.services().inNamespace(namespace).withName(name).get().getSpec().getClusterIP();
    return new RealNodePostgres(name, namespace, password, ready.getStatus().getPodIP(), serviceIp);
  }

  /** From this machine straight to the pod's IP on the node's bridge. */
  @Override
  public String host() {
    return podIp;
  }

  @Override
  public int port() {
    return 5432;
  }

  @Override
  public String adminUser() {
    return "postgres";
  }

  @Override
  public String adminPassword() {
    return password;
  }

  public Connection connect(String database) throws SQLException {
    return connectAsAdmin(database);
  }
}
