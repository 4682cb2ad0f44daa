package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.postgres.ServedCertificate;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.patroni.Member;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A re-issued server certificate reaches PostgreSQL. The kubelet updates the mounted Secret within
 * about a minute, but PostgreSQL reads its certificate files at start and on a reload only (pgBouncer
 * notices by itself). So when the certificate in the Secret differs from what a member serves, the
 * member gets a Patroni {@code POST /reload} (pg_ctl reload), at most every {@link #RELOAD_EVERY};
 * the served certificate is read again until every member serves the new one. A reload reaches
 * open sessions too and drops no connection.
 *
 * <p>Each member is probed with a TLS handshake on its pod IP only when the Secret's certificate
 * is not yet known to be served everywhere: once per certificate and member set, not per reconcile.
 */
final class CertificateReload {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateReload.class);
  static final Duration RELOAD_EVERY = Duration.ofSeconds(30);
  /** How long members may keep serving an older certificate before a Warning says so. */
  static final Duration WARN_AFTER = Duration.ofMinutes(5);

  /** What is known to be served: the certificate fingerprint and the members that serve it. */
  private record Served(String fingerprint, List<String> members) {}

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<ResourceID, Served> served = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastReload = new ConcurrentHashMap<>();
  private final Map<ResourceID, Instant> waitingSince = new ConcurrentHashMap<>();

  CertificateReload(KubernetesClient client, EventRecorder events, Clock clock) {
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  /**
   * The instance pods that are not being deleted, by name. From the informer cache, which keeps a
   * pod's metadata only (no status): the first version filtered on the Running phase, saw no pod at
   * all, and never reloaded a member (ProductionClusterE2EIT on the real node).
   */
  static List<String> podNames(List<io.fabric8.kubernetes.api.model.Pod> pods) {
    return pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName()).toList();
  }

  /** The cluster's REST API: its client, the primary's API and the login for POST /reload. */
  record Api(PatroniClient patroni, String base, Supplier<PatroniClient.Login> login) {}

  /**
   * True while a member still serves an older certificate (check again soon).
   *
   * @param pods the names of the cluster's running instance pods: while they and the certificate are
   *     what was last seen served, nothing is asked (no REST call, no handshake)
   * @param api the cluster's REST API, made only when members must be asked
   */
  boolean reconcile(TradingDatabase db, ClusterModel model, List<String> pods, Supplier<Api> api,
      Function<String, Optional<Secret>> cachedSecret) {
    if (!model.tlsEnabled() || pods.isEmpty()) {
      return false;
    }
    ResourceID id = ResourceID.fromResource(db);
    Secret secret = cachedSecret.apply(model.tlsSecret())
        .filter(s -> s.getData() != null && s.getData().containsKey("tls.crt"))
        .orElseGet(() -> client.secrets().inNamespace(model.names().namespace()).withName(model.tlsSecret()).get());
    String pem = secret == null ? null : SecretData.decode(secret).get("tls.crt");
    if (pem == null || pem.isBlank()) {
      return false;
    }
    String wanted = ServedCertificate.fingerprintOfPem(pem);
    List<String> sortedPods = pods.stream().sorted().toList();
    Served known = served.get(id);
    if (known != null && known.fingerprint().equals(wanted) && known.members().equals(sortedPods)) {
      return false;
    }
    Api rest = api.get();
    if (rest == null) {
      return false;
    }
    List<Member> members = rest.patroni().cluster(rest.base()).stream()
        .filter(m -> m.host() != null && ("running".equals(m.state()) || "streaming".equals(m.state()))).toList();
    List<String> names = members.stream().map(Member::name).sorted().toList();
    List<String> behind = new ArrayList<>();
    List<String> reloaded = new ArrayList<>();
    for (Member member : members) {
      String fingerprint;
      try {
        fingerprint = ServedCertificate.fingerprint(member.host(), ClusterNames.POSTGRES_PORT);
      } catch (IOException e) {
        LOG.info("could not read the certificate {} serves: {}", member.name(), e.getMessage());
        behind.add(member.name());
        continue;
      }
      if (fingerprint.equals(wanted)) {
        continue;
      }
      behind.add(member.name());
      String key = id + "/" + member.name();
      Instant last = lastReload.get(key);
      if (last == null || !last.plus(RELOAD_EVERY).isAfter(clock.instant())) {
        try {
          rest.patroni().reload(member.apiBase(), rest.login().get());
          lastReload.put(key, clock.instant());
          reloaded.add(member.name());
        } catch (PatroniClient.PatroniException e) {
          LOG.info("reload of {} for its new certificate failed: {}", member.name(), e.getMessage());
        }
      }
    }
    if (!reloaded.isEmpty()) {
      LOG.info("{}/{}: reloaded {} to serve certificate sha256:{}", model.names().namespace(), model.names().cluster(),
          reloaded, wanted.substring(0, 16));
    } else if (!behind.isEmpty()) {
      LOG.debug("{}/{}: {} still serve another certificate", model.names().namespace(), model.names().cluster(), behind);
    }
    if (behind.isEmpty()) {
      boolean changed = known != null && !known.fingerprint().equals(wanted);
      // Kept with the pod names: a new or replaced pod makes the next reconcile ask again.
      served.put(id, new Served(wanted, sortedPods));
      waitingSince.remove(id);
      if (changed) {
        events.normal(db, "CertificateServed", "every instance (" + String.join(", ", names)
            + ") now serves the certificate of " + model.tlsSecret() + " (sha256 " + wanted.substring(0, 16) + "…)");
      }
      return false;
    }
    Instant since = waitingSince.computeIfAbsent(id, k -> clock.instant());
    if (Duration.between(since, clock.instant()).compareTo(WARN_AFTER) >= 0) {
      events.warning(db, "CertificateNotServed", String.join(", ", behind) + " still serve another certificate than "
          + model.tlsSecret() + " after " + WARN_AFTER.toMinutes() + " minutes of reloads");
      waitingSince.put(id, clock.instant());
    }
    return true;
  }

  void forget(ResourceID id) {
    served.remove(id);
    waitingSince.remove(id);
    lastReload.keySet().removeIf(k -> k.startsWith(id + "/"));
  }
}
