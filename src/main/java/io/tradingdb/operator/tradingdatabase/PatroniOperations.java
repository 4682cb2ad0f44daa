package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PendingRestart;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RequestResult;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.tradingdb.operator.tradingdatabase.patroni.Member;
import io.tradingdb.operator.tradingdatabase.patroni.ParameterPlan;
import io.tradingdb.operator.tradingdatabase.patroni.ReloadPlan;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import io.tradingdb.operator.tradingdatabase.patroni.RestartPlan;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.tradingdatabase.status.PatroniOutcome;
import io.tradingdb.operator.tradingdatabase.workload.ClusterStatefulSet;
import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Day-2 work through Patroni's REST API: spec.postgresql.parameters into the DCS (PATCH /config),
 * restarts PostgreSQL asks for (replicas first, a switchover, the old primary last), and the
 * tradingdb.io/restart and tradingdb.io/switchover-to requests. At most one disruptive call per
 * reconcile; the plans ({@link ParameterPlan}, {@link RestartPlan}) decide, this class only calls.
 */
public class PatroniOperations {

  public static final String RESTART_ANNOTATION = "tradingdb.io/restart";
  public static final String SWITCHOVER_ANNOTATION = "tradingdb.io/switchover-to";
  static final String IN_PROGRESS = "InProgress";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";
  /**
   * How long a request keeps retrying a step that failed, counted from when it was taken up. Patroni
   * answers a switchover that takes longer than twice its loop_wait with 503 "Switchover status
   * unknown" although it goes on and usually completes; a restart's answer can time out the same way.
   * The next reconcile asks the plan again from what Patroni then reports, so a retry never repeats
   * a step that in fact happened.
   */
  static final Duration RETRY_FOR = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(PatroniOperations.class);

  private final KubernetesClient client;
  private final PatroniClient patroni;
  private final EventRecorder events;
  private final Clock clock;
  private final CertificateReload certificates;
  /** When this operator last changed each cluster's DCS parameters ("namespace/name"), for {@link ReloadPlan}. */
  private final Map<String, Instant> parametersPatchedAt = new ConcurrentHashMap<>();

  public PatroniOperations(KubernetesClient client, PatroniClient patroni, Clock clock) {
    this.client = client;
    this.patroni = patroni;
    this.clock = clock;
    this.events = new EventRecorder(client, clock);
    this.certificates = new CertificateReload(client, events, clock);
  }

  /** Drops what was kept about a cluster that is gone. */
  void forget(ResourceID id) {
    certificates.forget(id);
  }

  /**
   * Makes every member serve the certificate in the TLS Secret ({@link CertificateReload}); true
   * while one still serves an older one.
   */
  boolean reloadCertificates(TradingDatabase db, ClusterModel model, List<Pod> pods,
      java.util.function.Function<String, java.util.Optional<Secret>> cachedSecret) {
    try {
      return certificates.reconcile(db, model, CertificateReload.podNames(pods), () -> {
        String primary = ClusterStatus.primaryPod(pods);
        Pod pod = primary == null ? null : client.pods().inNamespace(model.names().namespace()).withName(primary).get();
        String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null) {
          return null;
        }
        PatroniClient api = patroni.forCluster(restApiTls(client, model));
        return new CertificateReload.Api(api, restApiBase(api, model, pod, ip), () -> login(model));
      }, cachedSecret);
    } catch (PatroniClient.PatroniException e) {
      LOG.info("{}/{}: certificate check skipped: {}", model.names().namespace(), model.names().cluster(), e.getMessage());
      return false;
    }
  }

  /** The REST API client, shared with {@link PasswordRotation}. */
  public PatroniClient patroniClient() {
    return patroni;
  }

  /** Null when there is no primary to ask yet. */
  public PatroniOutcome reconcile(TradingDatabase db, ClusterModel model, StatefulSet sts, List<Pod> pods) {
    String primary = ClusterStatus.primaryPod(pods);
    if (primary == null) {
      return null;
    }
    String ns = model.names().namespace();
    Pod pod = client.pods().inNamespace(ns).withName(primary).get();
    String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null) {
      return null;
    }
    TradingDatabaseStatus previous = db.getStatus() == null ? new TradingDatabaseStatus() : db.getStatus();
    try {
      PatroniClient api = patroni.forCluster(restApiTls(client, model));
      String base = restApiBase(api, model, pod, ip);
      PatroniClient.Login login = login(model);
      ParameterPlan plan = ParameterPlan.of(PatroniConfigMap.postgresParameters(model),
          ParameterPlan.parametersOf(api.config(base)));
      String rejected = plan.rejected().isEmpty() ? null : String.join("; ", plan.rejected());
      String applying = null;
      String step = null;
      String key = ns + "/" + model.names().cluster();
      if (rejected == null && plan.changes()) {
        api.patchConfig(base, login, plan.body());
        parametersPatchedAt.put(key, clock.instant());
        String names = String.join(", ", plan.patch().keySet());
        events.normal(db, "ParametersChanged", "Patroni's configuration now holds the new " + names
            + "; each instance reloads it within Patroni's loop");
        applying = "Patroni's configuration holds the new " + names + "; each instance reloads it within Patroni's loop";
      }
      List<Member> members = api.cluster(base);
      if (applying == null && rejected == null && (parametersPatchedAt.containsKey(key) || applying(previous))) {
        applying = followUp(api, key, members, login);
      }
      List<PendingRestart> pending = members.stream().filter(Member::pendingRestart)
          .map(m -> new PendingRestart(m.name(), m.leader(), m.pendingParameters())).toList();

      RequestResult switchover = switchover(api, db, previous.getSwitchover(), members, base, login);
      if (switchover != null && IN_PROGRESS.equals(switchover.getResult()) || tookAction(switchover, previous.getSwitchover())) {
        return new PatroniOutcome(pending, rejected, applying, null, null, restartUnchanged(previous), switchover);
      }
      RestartRequest request = restartRequest(api, db, previous.getRestart(), members);
      Set<String> outdated = outdatedPods(sts, pods);
      RestartPlan.Step next = RestartPlan.next(members, request.remaining(), outdated, model.instances());
      String unsettled = unsettled(model, sts, pods);
      if (unsettled != null && !(next instanceof RestartPlan.Done)) {
        next = new RestartPlan.Wait(unsettled);
      }
      RequestResult restart = request.result();
      if (next instanceof RestartPlan.Recreate r) {
        step = evict(db, ns, r);
      } else if (next instanceof RestartPlan.Restart r) {
        step = run(db, r.describe(), () -> api.restart(r.member().apiBase(), login));
      } else if (next instanceof RestartPlan.Switchover s) {
        step = run(db, s.describe(), () -> api.switchover(base, login, s.leader().name(), s.candidate().name()));
      } else if (next instanceof RestartPlan.Wait w) {
        step = w.why();
      }
      if (restart != null && IN_PROGRESS.equals(restart.getResult()) && step != null && step.startsWith("failed")) {
        restart = afterFailedStep(restart, step, clock.instant());
      }
      return new PatroniOutcome(pending, rejected, applying, step, null, restart, switchover);
    } catch (PatroniClient.PatroniException e) {
      LOG.atWarn().addKeyValue("namespace", ns).addKeyValue("tradingdatabase", model.names().cluster())
          .log("Patroni's REST API: {}", e.getMessage());
      return new PatroniOutcome(null, null, null, null, "Patroni's REST API: " + e.getMessage(), null, null);
    }
  }

  /**
   * After a DCS change: waits until each member had its loop and runs, then reloads every member
   * ({@link ReloadPlan} says why). Returns what is still being applied, or null when done.
   */
  private String followUp(PatroniClient api, String key, List<Member> members, PatroniClient.Login login) {
    ReloadPlan.Step next = ReloadPlan.next(parametersPatchedAt.get(key), clock.instant(), members);
    if (next instanceof ReloadPlan.Wait w) {
      return w.why();
    }
    for (Member m : ((ReloadPlan.Reload) next).members()) {
      api.reload(m.apiBase(), login);
    }
    parametersPatchedAt.remove(key);
    LOG.atInfo().addKeyValue("tradingdatabase", key).log("reloaded every member after a parameter change");
    return null;
  }

  /** Whether the last status said the parameters were still being applied (survives an operator restart). */
  private static boolean applying(TradingDatabaseStatus previous) {
    return Conditions.find(previous.getConditions(), ClusterStatus.PARAMETERS_APPLIED)
        .filter(c -> "Applying".equals(c.getReason())).isPresent();
  }

  /**
   * Pods whose template is older than the StatefulSet's (OnDelete leaves them to the operator).
   * Empty while the StatefulSet's controller has not reported the new revision yet.
   */
  static Set<String> outdatedPods(StatefulSet sts, List<Pod> pods) {
    String revision = sts == null || sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
    if (revision == null || sts.getSpec().getUpdateStrategy() == null
        || !"OnDelete".equals(sts.getSpec().getUpdateStrategy().getType())) {
      return Set.of();
    }
    Set<String> outdated = new HashSet<>();
    for (Pod p : pods) {
      Map<String, String> labels = p.getMetadata().getLabels();
      String hash = labels == null ? null : labels.get("controller-revision-hash");
      if (hash != null && !hash.equals(revision) && p.getMetadata().getDeletionTimestamp() == null) {
        outdated.add(p.getMetadata().getName());
      }
    }
    return outdated;
  }

  /** Why no member may be taken down now (a pod is going or missing, or not every instance is ready); null when settled. */
  static String unsettled(ClusterModel model, StatefulSet sts, List<Pod> pods) {
    List<String> going = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null)
        .map(p -> p.getMetadata().getName()).sorted().toList();
    if (!going.isEmpty()) {
      return "waiting for pod " + String.join(", ", going) + " to be replaced";
    }
    int ready = sts == null || sts.getStatus() == null || sts.getStatus().getReadyReplicas() == null
        ? 0 : sts.getStatus().getReadyReplicas();
    if (pods.size() < model.instances() || ready < model.instances()) {
      return "waiting for every instance to be ready (" + ready + "/" + model.instances() + ") before the next one";
    }
    return null;
  }

  /** The eviction API, so the disruption budget has its say. */
  private String evict(TradingDatabase db, String ns, RestartPlan.Recreate r) {
    events.normal(db, "PatroniAction", r.describe());
    try {
      boolean evicted = client.pods().inNamespace(ns).withName(r.member().name()).evict();
      return evicted ? "done: " + r.describe() : "waiting: the disruption budget does not allow evicting " + r.member().name() + " now";
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return "failed: " + r.describe() + ": " + e.getMessage();
    }
  }

  /** Runs one disruptive call and says how it went. */
  private String run(TradingDatabase db, String what, Runnable call) {
    events.normal(db, "PatroniAction", what);
    try {
      call.run();
      return "done: " + what;
    } catch (PatroniClient.PatroniException e) {
      events.warning(db, "PatroniActionFailed", what + ": " + e.getMessage());
      return "failed: " + what + ": " + e.getMessage();
    }
  }

  /** The switchover-to request: once per value; null when there is none. */
  private RequestResult switchover(PatroniClient api, TradingDatabase db, RequestResult last, List<Member> members, String base,
      PatroniClient.Login login) {
    String target = annotation(db, SWITCHOVER_ANNOTATION);
    if (target == null || (last != null && target.equals(last.getToken()) && !IN_PROGRESS.equals(last.getResult()))) {
      return null;
    }
    RestartPlan.Step step = RestartPlan.switchoverTo(members, target);
    if (step instanceof RestartPlan.Done) {
      return new RequestResult(target, SUCCEEDED, target + " is the primary", now());
    }
    String since = takenUpAt(last, target);
    if (step instanceof RestartPlan.Wait w) {
      boolean member = members.stream().anyMatch(m -> m.name().equals(target));
      return new RequestResult(target, member ? IN_PROGRESS : FAILED, w.why(), since);
    }
    RestartPlan.Switchover s = (RestartPlan.Switchover) step;
    String result = run(db, s.describe(), () -> api.switchover(base, login, s.leader().name(), s.candidate().name()));
    if (result.startsWith("done")) {
      return new RequestResult(target, SUCCEEDED, result, now());
    }
    return afterFailedStep(new RequestResult(target, IN_PROGRESS, "switching over to " + target, since), result, clock.instant());
  }

  /**
   * A request whose step just failed: still in progress, the step retried by the next reconcile,
   * until {@link #RETRY_FOR} after the request was taken up; then failed, with the last error.
   */
  static RequestResult afterFailedStep(RequestResult inProgress, String failed, Instant now) {
    Instant since = Instant.parse(inProgress.getTime());
    if (!now.isBefore(since.plus(RETRY_FOR))) {
      return new RequestResult(inProgress.getToken(), FAILED, failed + " (still failing " + RETRY_FOR.toMinutes()
          + " minutes after the request was taken up)", stamp(now));
    }
    return new RequestResult(inProgress.getToken(), IN_PROGRESS, inProgress.getMessage() + "; retrying after " + failed,
        inProgress.getTime());
  }

  /** When the request for {@code token} was taken up: the last result's time for the same value, else now. */
  private String takenUpAt(RequestResult last, String token) {
    return last != null && token.equals(last.getToken()) ? last.getTime() : now();
  }

  private static boolean tookAction(RequestResult now, RequestResult before) {
    return now != null && !now.equals(before);
  }

  /** The restart request as it stands, or the previous result when the annotation is gone or done. */
  private static RequestResult restartUnchanged(TradingDatabaseStatus previous) {
    return previous.getRestart();
  }

  private record RestartRequest(RequestResult result, Set<String> remaining) {}

  /**
   * A tradingdb.io/restart value not handled yet restarts every member whose PostgreSQL started
   * before the request was taken up (GET /patroni's postmaster_start_time): no state beyond the
   * status, so an operator restart resumes where it stopped.
   */
  private RestartRequest restartRequest(PatroniClient api, TradingDatabase db, RequestResult last, List<Member> members) {
    String token = annotation(db, RESTART_ANNOTATION);
    if (token == null || (last != null && token.equals(last.getToken()) && !IN_PROGRESS.equals(last.getResult()))) {
      return new RestartRequest(null, Set.of());
    }
    String since = takenUpAt(last, token);
    Instant accepted = Instant.parse(since);
    Set<String> remaining = new HashSet<>();
    for (Member m : members) {
      Object started = m.apiBase() == null ? null : api.member(m.apiBase()).get("postmaster_start_time");
      if (started == null || startTime(started.toString()).isBefore(accepted)) {
        remaining.add(m.name());
      }
    }
    if (remaining.isEmpty()) {
      return new RestartRequest(new RequestResult(token, SUCCEEDED,
          "every instance restarted: " + members.size() + " (replicas first, the primary after a switchover)", now()),
          Set.of());
    }
    return new RestartRequest(new RequestResult(token, IN_PROGRESS,
        String.join(", ", remaining.stream().sorted().toList()) + " still to restart", since), remaining);
  }

  /** Patroni writes postmaster_start_time as "2026-11-30 17:00:00.123456+00:00". */
  static Instant startTime(String text) {
    return OffsetDateTime.parse(text.strip().replace(' ', 'T')).toInstant();
  }

  /**
   * How to check the cluster's REST API certificate: the CA from the server certificate's Secret
   * (ca.crt, in all three TLS sources); null without TLS. Which scheme each call uses follows what
   * the pod serves (its probes; the members' api_url), so pods of the template before a change of
   * tls.patroniRestApi stay reachable while the operator replaces them.
   */
  static PatroniClient.Tls restApiTls(KubernetesClient client, ClusterModel model) {
    if (!model.tlsEnabled()) {
      return null;
    }
    Secret secret = client.secrets().inNamespace(model.names().namespace()).withName(model.tlsSecret()).get();
    String ca = secret == null ? null : SecretData.value(secret, PodLayout.CA_CERT);
    if (ca == null || ca.isBlank()) {
      throw new PatroniClient.PatroniException("the Secret " + model.tlsSecret() + " has no " + PodLayout.CA_CERT
          + " to check Patroni's REST API certificate with", 0);
    }
    ClusterNames n = model.names();
    return new PatroniClient.Tls(ca, n.headlessService() + "." + n.namespace() + ".svc");
  }

  /**
   * The primary's REST API: the scheme its pod's template serves. A pod of the template before a
   * change of tls.patroniRestApi that reloaded the new configuration already serves the spec's
   * scheme, so when the two differ and the pod's scheme gets no answer, the spec's is used; the
   * fallback only goes towards what the spec asks, so it never downgrades a TLS spec to HTTP.
   */
  static String restApiBase(PatroniClient api, ClusterModel model, Pod pod, String ip) {
    return restApiBase(api, model, pod, ip, ClusterNames.PATRONI_PORT);
  }

  static String restApiBase(PatroniClient api, ClusterModel model, Pod pod, String ip, int port) {
    boolean template = ClusterStatefulSet.servesRestApiOverTls(pod);
    boolean spec = model.patroni().restApiTls();
    String base = PatroniClient.base(template, ip, port);
    if (template == spec) {
      return base;
    }
    try {
      api.member(base);
      return base;
    } catch (PatroniClient.PatroniException e) {
      if (e.status() != 0) {
        return base;
      }
      return PatroniClient.base(spec, ip, port);
    }
  }

  private PatroniClient.Login login(ClusterModel model) {
    Secret secret = client.secrets().inNamespace(model.names().namespace()).withName(model.names().replicationSecret()).get();
    if (secret == null) {
      throw new PatroniClient.PatroniException("the Secret " + model.names().replicationSecret()
          + " with the REST API login does not exist yet", 0);
    }
    Map<String, String> data = SecretData.decode(secret);
    return new PatroniClient.Login(data.get("restapi-username"), data.get("restapi-password"));
  }

  private static String annotation(TradingDatabase db, String key) {
    Map<String, String> annotations = db.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private String now() {
    return stamp(clock.instant());
  }

  /** A status time: RFC 3339 in whole seconds. */
  private static String stamp(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
