package io.tradingdb.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.testsupport.RealCluster;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A fresh start on the real API server (issue 18): clusters that existed before the operator
 * started and clusters created while it starts all get their status, through several status
 * applies each, without one 409 Conflict, WARN line or ReconcileError Warning Event. Before the
 * fix, a status apply that still carried the resourceVersion of a cached copy older than the
 * operator's own previous write was refused with 409 on most fresh starts.
 */
class CleanStartIT {

  private static final int BEFORE_START = 4;
  private static final int AFTER_START = 8;

  private final Responses responses = new Responses();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private KubernetesClient admin;
  private KubernetesClient operatorClient;
  private OperatorHarness operator;
  private String ns;

  /** Every response the operator's client received: method, path and status code. */
  static final class Responses implements Interceptor {
    record Response(String method, String path, int code) {}

    final ConcurrentLinkedQueue<Response> all = new ConcurrentLinkedQueue<>();

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      all.add(new Response(request.method(), request.uri().getPath(), response.code()));
    }
  }

  @BeforeEach
  void start() {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    ns = RealCluster.createNamespace(admin, "clean-start", Map.of());
    operatorClient = io.tradingdb.operator.kube.TypedWatchEvents.clientBuilder(RealCluster.config())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("responses", responses))
        .build();
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    root.detachAppender(logs);
    operatorClient.close();
    admin.close();
  }

  @Test
  void aFreshStartWritesEveryStatusWithoutAConflictAWarningOrAWarningEvent() {
    IntStream.range(0, BEFORE_START).forEach(i -> create("existing-" + i));
    operator = new OperatorHarness(operatorClient, ns);
    IntStream.range(0, AFTER_START).forEach(i -> create("new-" + i));
    List<String> names = admin.resources(TradingDatabase.class).inNamespace(ns).list().getItems().stream()
        .map(db -> db.getMetadata().getName()).toList();
    assertThat(names).hasSize(BEFORE_START + AFTER_START);

    // Each cluster's status goes Creating -> 1 ready instance -> Ready (the test labels the primary
    // as Patroni would): several status applies per cluster, the writes that used to conflict.
    await().atMost(RealCluster.timeout()).untilAsserted(() -> {
      admin.pods().inNamespace(ns).withLabel("apps.kubernetes.io/pod-index", "0").withoutLabel("role").list()
          .getItems().forEach(p -> admin.pods().inNamespace(ns).withName(p.getMetadata().getName())
              .patch(TradingDatabaseIT.MERGE, "{\"metadata\":{\"labels\":{\"role\":\"primary\"}}}"));
      assertThat(admin.resources(TradingDatabase.class).inNamespace(ns).list().getItems())
          .allSatisfy(db -> {
            assertThat(db.getStatus()).isNotNull();
            assertThat(db.getStatus().getObservedGeneration()).isEqualTo(db.getMetadata().getGeneration());
            assertThat(db.getStatus().getPhase()).isEqualTo("Ready");
          });
    });

    List<Responses.Response> statusApplies = responses.all.stream()
        .filter(r -> "PATCH".equals(r.method()) && r.path().endsWith("/status")
            && r.path().contains("/namespaces/" + ns + "/tradingdatabases/"))
        .toList();
    assertThat(statusApplies).as("status applies").hasSizeGreaterThanOrEqualTo(2 * names.size());
    assertThat(responses.all).as("responses to the operator").noneMatch(r -> r.code() == 409);
    List<Event> warnings = admin.v1().events().inNamespace(ns).withField("type", "Warning").list().getItems();
    assertThat(warnings).as("Warning Events")
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .noneMatch(text -> text.startsWith("ReconcileError"));
    assertThat(logs.list).as("operator log lines at WARN or above")
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }

  private void create(String name) {
    TradingDatabase db = new TradingDatabase();
    db.getMetadata().setName(name);
    db.getMetadata().setNamespace(ns);
    TradingDatabaseSpec spec = new TradingDatabaseSpec();
    spec.setProfile(Profile.DEVELOPMENT);
    spec.setDatabaseName("ai_trading");
    db.setSpec(spec);
    admin.resource(db).fieldManager("kubectl").forceConflicts().serverSideApply();
  }
}
