package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.testsupport.RealCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * target.external outside the operator's externalTargets is refused before any connection: the real API
 * server and the operator, and a listener on a denied loopback address that counts every connection it
 * accepts. A twin listener on an allowed address shows the operator does connect when it may.
 */
class ExternalTargetsIT {

  /** 127.0.0.2 plays the metadata service: denied, as link-local is by default. */
  static final String DENIED_HOST = "127.0.0.2";
  static final String ALLOWED_HOST = "127.0.0.1";

  static KubernetesClient client;
  static OperatorHarness operator;
  static String ns;
  static CountingListener denied;
  static CountingListener allowed;

  /** Accepts connections, counts them and closes them at once: nothing a client could log in to. */
  static final class CountingListener implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepted = new AtomicInteger();

    CountingListener(String host) throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      Thread thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            accepted.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      }, "counting-listener-" + host);
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @BeforeAll
  static void start() throws IOException {
    client = RealCluster.client();
    RealCluster.installCrds(client);
    ns = RealCluster.createNamespace(client, "targets", Map.of());
    denied = new CountingListener(DENIED_HOST);
    allowed = new CountingListener(ALLOWED_HOST);
    client.resource(new SecretBuilder().withNewMetadata().withName("admin").withNamespace(ns).endMetadata()
        .withStringData(Map.of("username", "postgres", "password", Passwords.generate())).build()).create();
    operator = new OperatorHarness(RealCluster.client(),
        ExternalTargetPolicy.parse(ALLOWED_HOST + "/32", "169.254.0.0/16,fe80::/10," + DENIED_HOST + "/32"), ns);
  }

  @AfterAll
  static void stop() throws IOException {
    if (operator != null) {
      operator.close();
    }
    denied.close();
    allowed.close();
  }

  @Test
  void aDbUserNamingADeniedHostIsRefusedWithoutAConnection() {
    client.resource(dbUser("to-denied", DENIED_HOST, denied.port())).create();
    client.resource(dbUser("to-allowed", ALLOWED_HOST, allowed.port())).create();

    // The reconcile ran: its refusal is the condition, and exactly one Event says so.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      Condition ready = readyCondition(DbUser.class, "to-denied");
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("TargetNotAllowed");
      assertThat(ready.getMessage()).isEqualTo("target.external.host '" + DENIED_HOST + "' resolves to " + DENIED_HOST
          + ", which the operator's externalTargets.denied entry '" + DENIED_HOST + "/32' refuses");
    });
    assertThat(eventsAbout(DbUser.class, "to-denied")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("TargetNotAllowed");
    });
    // The twin on an allowed address was connected to (and failed there), so the operator was not idle.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      assertThat(allowed.accepted.get()).isPositive();
      assertThat(readyCondition(DbUser.class, "to-allowed").getReason()).isEqualTo("DatabaseUnreachable");
    });
    assertThat(denied.accepted.get()).as("connections to the denied host").isZero();
    assertThat(client.secrets().inNamespace(ns).withName("to-denied-connection").get()).isNull();
  }

  @Test
  void aBackupScheduleNamingADeniedHostGetsNoCronJob() {
    client.resource(backupSchedule("backup-denied", DENIED_HOST, denied.port())).create();
    client.resource(backupSchedule("backup-allowed", ALLOWED_HOST, allowed.port())).create();

    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      Condition ready = readyCondition(BackupSchedule.class, "backup-denied");
      assertThat(ready.getReason()).isEqualTo("InvalidSpec");
      assertThat(ready.getMessage()).contains("externalTargets.denied entry '" + DENIED_HOST + "/32'");
      assertThat(client.batch().v1().cronjobs().inNamespace(ns).withName("backup-allowed").get()).isNotNull();
    });
    assertThat(eventsAbout(BackupSchedule.class, "backup-denied")).singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo("InvalidSpec"));
    assertThat(client.batch().v1().cronjobs().inNamespace(ns).withName("backup-denied").get()).isNull();
    assertThat(client.configMaps().inNamespace(ns).withName("backup-denied-backup-scripts").get()).isNull();
    assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(denied.accepted.get()).isZero();
  }

  private static DbUser dbUser(String name, String host, int port) {
    return withTarget(DbUser.class, name, host, port, "roleName: app_reader");
  }

  private static BackupSchedule backupSchedule(String name, String host, int port) {
    return withTarget(BackupSchedule.class, name, host, port, "schedule: \"0 3 * * *\"\nstorage: {pvc: {claimName: backups}}");
  }

  /** A resource of {@code type} whose target.external is host:port, with the rest of its spec. */
  private static <T extends HasMetadata> T withTarget(Class<T> type, String name, String host, int port, String rest) {
    return Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: %s
        metadata: {name: %s, namespace: %s}
        spec:
          target:
            external: {host: "%s", port: %d, database: postgres, sslMode: disable, credentialsSecretRef: {name: admin}}
        %s
        """.formatted(type.getSimpleName(), name, ns, host, port, rest.indent(2)), type);
  }

  private static <T extends HasMetadata> Condition readyCondition(Class<T> type, String name) {
    HasMetadata current = client.resources(type).inNamespace(ns).withName(name).get();
    Object status = type == DbUser.class ? ((DbUser) current).getStatus() : ((BackupSchedule) current).getStatus();
    assertThat(status).as(name + " status").isNotNull();
    List<Condition> conditions = type == DbUser.class
        ? ((DbUser) current).getStatus().getConditions() : ((BackupSchedule) current).getStatus().getConditions();
    var ready = Conditions.find(conditions, Conditions.READY);
    assertThat(ready).as(name + " Ready condition").isPresent();
    return ready.get();
  }

  private static List<Event> eventsAbout(Class<? extends HasMetadata> type, String name) {
    String uid = client.resources(type).inNamespace(ns).withName(name).get().getMetadata().getUid();
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> uid.equals(e.getInvolvedObject().getUid())).toList();
  }
}
