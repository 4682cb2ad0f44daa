package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.tradingdb.operator.kube.OptionalResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real kube-apiserver (with etcd, controller manager, scheduler and kwok) that
 * testenv/cluster.sh starts on 127.0.0.1. Tests that need it fail, never skip, when it is missing.
 */
public final class RealCluster {

  public static final Path COMMITTED_CRDS = Path.of("crds");

  private RealCluster() {}

  public static Config config() {
    String file = System.getenv("TRADINGDB_TEST_KUBECONFIG");
    if (file == null || file.isBlank()) {
      throw new IllegalStateException(
          "TRADINGDB_TEST_KUBECONFIG is not set: this test needs the real control plane that "
              + "testenv/cluster.sh starts; run the suite with testenv/test.sh");
    }
    try {
      Config config = Config.fromKubeconfig(Files.readString(Path.of(file)));
      String host = java.net.URI.create(config.getMasterUrl()).getHost();
      if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
        throw new IllegalStateException("the test kubeconfig must point at 127.0.0.1, not " + host);
      }
      return config;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** A client as the operator builds its own (watch events decoded by {@link io.tradingdb.operator.kube.TypedWatchEvents}). */
  public static KubernetesClient client() {
    return io.tradingdb.operator.kube.TypedWatchEvents.clientBuilder(config()).build();
  }

  /** A client that impersonates {@code user} (e.g. a ServiceAccount) with the given groups. */
  public static KubernetesClient impersonating(String user, String... groups) {
    Config config = config();
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Records every request that changes something (anything but GET, and WATCH lists). */
  public static final class WriteCounter implements Interceptor {
    private final ConcurrentLinkedQueue<String> writes = new ConcurrentLinkedQueue<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (!"GET".equals(request.method())) {
        writes.add(request.method() + " " + request.uri().getPath());
      }
    }

    public List<String> writes() {
      return List.copyOf(writes);
    }

    public void reset() {
      writes.clear();
    }
  }

  /** A client whose writes are recorded by {@code counter}. */
  public static KubernetesClient countingClient(WriteCounter counter) {
    return io.tradingdb.operator.kube.TypedWatchEvents.clientBuilder(config())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count-writes", counter))
        .build();
  }

  /** Installs the committed CRDs with server-side apply and waits until they are Established. */
  public static void installCrds(KubernetesClient client) {
    try (Stream<Path> files = Files.list(COMMITTED_CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
        client.resource(crd).fieldManager("tradingdb-tests").forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(RealCluster::established, 60, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static boolean established(CustomResourceDefinition crd) {
    return OptionalResources.established(crd);
  }

  /**
   * A fresh namespace with a unique name; labels let a test opt into Pod Security admission.
   * Namespaces are not deleted: the control plane is thrown away after the run, and
   * SecretHygieneIT searches the Events and statuses the tests left behind.
   */
  public static String createNamespace(KubernetesClient client, String prefix, Map<String, String> labels) {
    String name = (prefix + "-" + UUID.randomUUID().toString().substring(0, 6)).toLowerCase(Locale.ROOT);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
        .create();
    return name;
  }

  /** Applies {@code objects} as a test user would with kubectl apply --server-side. */
  public static void apply(KubernetesClient client, List<? extends HasMetadata> objects) {
    for (HasMetadata o : objects) {
      client.resource(o).fieldManager("kubectl").forceConflicts().serverSideApply();
    }
  }

  public static Duration timeout() {
    return Duration.ofSeconds(90);
  }

}
