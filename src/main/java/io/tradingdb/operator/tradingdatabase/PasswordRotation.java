package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PasswordRotationSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RequestResult;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Durations;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.Passwords;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.postgres.PasswordRotationSql;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.postgres.SqlFailure;
import io.tradingdb.operator.tradingdatabase.dependent.PatroniCredentialsDependent;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.tradingdb.operator.tradingdatabase.patroni.Member;
import io.tradingdb.operator.tradingdatabase.patroni.PatroniClient;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerConfigMap;
import io.tradingdb.operator.tradingdatabase.pooler.PoolerDeployment;
import io.tradingdb.operator.tradingdatabase.monitoring.LoginSecrets;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.tradingdatabase.workload.ClusterSecrets;
import io.tradingdb.operator.tradingdatabase.workload.PatroniCredentials;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation of the cluster's own passwords (superuser when the operator generated it, replication,
 * Patroni's REST API, pooler lookup, monitoring), on the tradingdb.io/rotate-credentials annotation
 * (once per value) or on spec.passwordRotation.interval. Every step can be repeated, and the
 * Secrets hold the progress, so an operator restart resumes:
 * <ol>
 *   <li>each Secret gets a new password beside the current one ({@code password-next});
 *   <li>one transaction sets the new SCRAM verifiers (ALTER ROLE, {@link PasswordRotationSql});
 *   <li>each Secret swaps: the new password becomes {@code password} (the REST API's old one stays as
 *       {@code restapi-password-previous}, which the operator still needs to reach members that have
 *       not reloaded yet);
 *   <li>Patroni's logins file follows ({@link PatroniCredentialsDependent}) and each member gets POST
 *       /reload until its "credentials" tag shows the new version; then the previous REST password goes.
 * </ol>
 * The pooler's lookup login is rotated by moving pgBouncer to the other of its two lookup logins
 * ({@link PoolerAuthSetup}): that one gets the new password, the Secret names it, pgBouncer reloads
 * when kubelet updates the mounted Secret (its run script watches it), and once every pgBouncer lets
 * the new login in, the old one loses its password. The login pgBouncer uses always works, so no
 * client login is refused meanwhile. The exporters restart their process (not their container)
 * when their mounted login changes. Open sessions are never cut. Outside a rotation this also has members reload a logins file that
 * changed for another reason (a user's superuser Secret). Never logs or reports a password.
 */
public class PasswordRotation {

  public static final String ANNOTATION = "tradingdb.io/rotate-credentials";
  static final String NEXT = "-next";
  static final String PREVIOUS = "-previous";
  static final String PASSWORD = "password";
  static final String RESTAPI_PASSWORD = "restapi-password";
  static final String USERNAME = LoginSecrets.USERNAME_KEY;
  static final String IN_PROGRESS = "InProgress";
  /** Keys of the replication Secret: the rotation under way, and the last one finished (never a password). */
  static final String STEP = "rotation-step";
  static final String DONE = "rotation-done";
  static final String PREPARED = "prepared";
  static final String SWAPPED = "swapped";
  static final String SUCCEEDED = "Succeeded";

  private static final Logger LOG = LoggerFactory.getLogger(PasswordRotation.class);

  private final KubernetesClient client;
  private final DatabaseChecks database;
  private final PatroniClient patroni;
  private final Clock clock;
  private final EventRecorder events;
  /** The logins version every member of a cluster ("namespace/name") was last seen to have loaded. */
  private final Map<String, String> loaded = new ConcurrentHashMap<>();

  public PasswordRotation(KubernetesClient client, DatabaseChecks database, PatroniClient patroni, Clock clock) {
    this.client = client;
    this.database = database;
    this.patroni = patroni;
    this.clock = clock;
    this.events = new EventRecorder(client, clock);
  }

  /**
   * @param result the rotation's status; null leaves the previous one
   * @param busy whether to look again soon (a member has not loaded the logins yet)
   */
  public record Outcome(RequestResult result, boolean busy) {}

  /** One password of one Secret, and the role it belongs to (null: no role, the REST API's). */
  record Target(String secret, String key, String role) {}

  public Outcome reconcile(TradingDatabase db, ClusterModel model, List<Pod> pods,
      Function<String, Optional<Secret>> cachedSecret) {
    String ns = model.names().namespace();
    String key = ns + "/" + model.names().cluster();
    RequestResult last = db.getStatus() == null ? null : db.getStatus().getPasswordRotation();
    String token = null;
    String started = now();
    try {
      upgradePoolerSecret(model, cachedSecret);
      // Where a rotation stands is kept in the replication Secret, read fresh: the status may lag a
      // reconcile behind, and a rotation started or swapped twice would leave members holding a REST
      // password the operator no longer knows.
      Map<String, String> marks = data(ns, model.names().replicationSecret());
      Step step = Step.parse(marks.get(STEP));
      Step done = Step.parse(marks.get(DONE));
      if (step != null) {
        token = step.token();
        started = step.time();
      } else {
        token = request(annotation(db), last, interval(db), created(db), clock.instant());
        if (token != null && done != null && token.equals(done.token())
            && (interval(db) == null || clock.instant().isBefore(Instant.parse(done.time()).plus(interval(db))))) {
          // Finished by an earlier reconcile whose status this copy of the resource does not show yet.
          return new Outcome(new RequestResult(token, SUCCEEDED, "rotated " + describe(model), done.time()), false);
        }
      }
      if (token == null) {
        return new Outcome(null, !syncLogins(key, model, pods, cachedSecret));
      }
      List<Target> targets = targets(model);
      if (step == null) {
        events.normal(db, "PasswordRotationStarted", "rotating " + describe(model) + " (token " + token + ")");
        prepare(ns, targets);
        step = new Step(token, PREPARED, started);
        mark(ns, model, step);
      }
      if (PREPARED.equals(step.state())) {
        setPasswords(model, targets);
        swap(ns, targets);
        step = new Step(token, SWAPPED, started);
        mark(ns, model, step);
      }
      String version = PatroniCredentials.version(PatroniCredentialsDependent.logins(model, fresh(ns)));
      List<String> waiting = reloadStale(model, pods, version, login(ns, model));
      if (!waiting.isEmpty()) {
        return new Outcome(new RequestResult(token, IN_PROGRESS, "new passwords set; waiting for "
            + String.join(", ", waiting) + " to load Patroni's new logins (kubelet updates the mounted Secret"
            + " within about a minute)", started), true);
      }
      List<String> poolers = poolersOnOldLogin(model);
      if (!poolers.isEmpty()) {
        return new Outcome(new RequestResult(token, IN_PROGRESS, "new passwords set; every Patroni member loaded"
            + " them; waiting for pgBouncer " + String.join(", ", poolers) + " to load the new lookup login"
            + " (kubelet updates the mounted Secret within about a minute)", started), true);
      }
      retireOldLookupLogin(model);
      String finished = now();
      String doneMark = new Step(token, SWAPPED, finished).toString();
      edit(ns, model.names().replicationSecret(), data -> {
        data.remove(RESTAPI_PASSWORD + PREVIOUS);
        data.remove(STEP);
        data.put(DONE, doneMark);
      });
      loaded.put(key, version);
      String message = "rotated " + describe(model) + "; every Patroni member and pgBouncer loaded the new"
          + " logins; the exporters take theirs when kubelet updates their mounted Secrets";
      events.normal(db, "PasswordsRotated", message);
      LOG.atInfo().addKeyValue("tradingdatabase", key).log("passwords rotated (token {})", token);
      return new Outcome(new RequestResult(token, SUCCEEDED, message, finished), false);
    } catch (SQLException e) {
      return retry(token, started, "setting the new passwords failed: " + SqlFailure.message(e));
    } catch (PatroniClient.PatroniException | KubernetesClientException | IllegalStateException e) {
      return retry(token, started, e.getMessage());
    }
  }

  private Outcome retry(String token, String started, String why) {
    if (token == null) {
      return new Outcome(null, true);
    }
    return new Outcome(new RequestResult(token, IN_PROGRESS, "retrying: " + why, started), true);
  }

  /**
   * The token of a rotation to start now, or null. The annotation acts once per value; an interval
   * rotation keeps the annotation's value as its token, so that value does not act again.
   */
  static String request(String annotation, RequestResult last, Duration interval, Instant created, Instant now) {
    if (annotation != null && (last == null || !annotation.equals(last.getToken()))) {
      return annotation;
    }
    if (interval != null) {
      Instant since = last != null && last.getTime() != null ? Instant.parse(last.getTime()) : created;
      if (since == null || !now.isBefore(since.plus(interval))) {
        return annotation != null ? annotation : "interval";
      }
    }
    return null;
  }

  /** The passwords a rotation changes: the superuser's only when the operator generated its Secret. */
  List<Target> targets(ClusterModel model) {
    ClusterNames n = model.names();
    List<Target> targets = new ArrayList<>();
    if (model.superuserSecretGenerated()) {
      targets.add(new Target(n.superuserSecret(), PASSWORD, ClusterSecrets.SUPERUSER));
    }
    targets.add(new Target(n.replicationSecret(), PASSWORD, ClusterSecrets.REPLICATION_USER));
    targets.add(new Target(n.replicationSecret(), RESTAPI_PASSWORD, null));
    if (fresh(n.namespace()).apply(n.poolerAuthSecret()) != null) {
      targets.add(new Target(n.poolerAuthSecret(), PASSWORD, PoolerAuthSetup.ROLE));
    }
    if (fresh(n.namespace()).apply(n.monitoringSecret()) != null) {
      targets.add(new Target(n.monitoringSecret(), PASSWORD, MonitoringRoleSetup.ROLE));
    }
    return targets;
  }

  private String describe(ClusterModel model) {
    return (model.superuserSecretGenerated() ? "the superuser, " : "")
        + "replication, Patroni REST API, pooler lookup and monitoring passwords"
        + (model.superuserSecretGenerated() ? "" : " (the superuser's is the user's Secret, spec.superuserSecretRef)");
  }

  /** Step 1: a new password beside each current one, unless an earlier attempt left one. */
  private void prepare(String ns, List<Target> targets) {
    for (String name : targets.stream().map(Target::secret).distinct().toList()) {
      edit(ns, name, data -> {
        for (Target t : targets) {
          if (t.secret().equals(name) && !data.containsKey(t.key() + NEXT)) {
            data.put(t.key() + NEXT, Passwords.generate());
            if (lookup(t)) {
              // The other lookup login gets the new password; pgBouncer keeps the one it uses.
              data.put(USERNAME + NEXT, PoolerAuthSetup.other(data.get(USERNAME)));
            }
          }
        }
      });
    }
  }

  private boolean hasNext(String ns, List<Target> targets) {
    return targets.stream().anyMatch(t -> data(ns, t.secret()).containsKey(t.key() + NEXT));
  }

  /** Step 2: the new verifiers, in one transaction (the superuser last, as whom the session logged in). */
  private void setPasswords(ClusterModel model, List<Target> targets) throws SQLException {
    String ns = model.names().namespace();
    Map<String, String> passwords = new LinkedHashMap<>();
    String superuserNext = null;
    for (Target t : targets) {
      Map<String, String> data = data(ns, t.secret());
      String next = data.get(t.key() + NEXT);
      if (t.role() == null || next == null) {
        continue;
      }
      if (lookup(t)) {
        String login = data.get(USERNAME + NEXT);
        if (!PoolerAuthSetup.isLookupLogin(login)) {
          throw new IllegalStateException("the Secret " + t.secret() + " names no lookup login to rotate to");
        }
        // The unused lookup login must exist (a cluster from before there were two).
        database.ensurePoolerLookup(model);
        passwords.put(login, next);
      } else if (ClusterSecrets.SUPERUSER.equals(t.role())) {
        superuserNext = next;
      } else {
        passwords.put(t.role(), next);
      }
    }
    if (superuserNext != null) {
      passwords.put(ClusterSecrets.SUPERUSER, superuserNext);
    }
    database.setPasswords(model, PasswordRotationSql.plan(passwords), superuserNext);
  }

  /** Step 3: the new passwords become the current ones. */
  private void swap(String ns, List<Target> targets) {
    for (String name : targets.stream().map(Target::secret).distinct().toList()) {
      edit(ns, name, data -> {
        for (Target t : targets) {
          // Only this Secret's targets: "password-next" is a key of several Secrets.
          String next = t.secret().equals(name) ? data.remove(t.key() + NEXT) : null;
          if (next == null) {
            continue;
          }
          if (RESTAPI_PASSWORD.equals(t.key()) && data.get(t.key()) != null) {
            data.put(t.key() + PREVIOUS, data.get(t.key()));
          }
          if (lookup(t)) {
            // One write of the login, the auth file and the auth_user line: kubelet delivers them together.
            String login = data.remove(USERNAME + NEXT);
            String old = data.get(USERNAME);
            String oldPassword = data.get(PASSWORD);
            data.put(USERNAME + PREVIOUS, old);
            data.putAll(PoolerConfigMap.login(login, next));
            if (PoolerAuthSetup.isLookupLogin(old) && !old.equals(login) && oldPassword != null) {
              // Both until the old one retires: the file and the auth_user line then agree in any order.
              Map<String, String> both = new LinkedHashMap<>();
              both.put(login, next);
              both.put(old, oldPassword);
              data.put(PoolerConfigMap.AUTH_FILE_KEY, PoolerConfigMap.authFile(both));
            }
            continue;
          }
          data.put(t.key(), next);
        }
      });
    }
  }

  /**
   * A pooler Secret made before there were two lookup logins lacks the auth_user line that
   * pgbouncer.ini now includes: it gets one naming the login it holds.
   */
  private void upgradePoolerSecret(ClusterModel model, Function<String, Optional<Secret>> cachedSecret) {
    String name = model.names().poolerAuthSecret();
    Optional<Secret> cached = cachedSecret.apply(name);
    if (cached.isEmpty() || cached.get().getData() == null
        || cached.get().getData().containsKey(PoolerConfigMap.AUTH_USER_KEY)) {
      return;
    }
    edit(model.names().namespace(), name, data -> {
      if (!data.containsKey(PoolerConfigMap.AUTH_USER_KEY) && data.get(PASSWORD) != null) {
        String login = PoolerAuthSetup.isLookupLogin(data.get(USERNAME)) ? data.get(USERNAME) : PoolerAuthSetup.ROLE;
        data.putAll(PoolerConfigMap.login(login, data.get(PASSWORD)));
      }
    });
  }

  private static boolean lookup(Target t) {
    return PoolerAuthSetup.ROLE.equals(t.role());
  }

  /** The running pgBouncer pods that do not let the Secret's lookup login in yet. */
  private List<String> poolersOnOldLogin(ClusterModel model) {
    String ns = model.names().namespace();
    Secret secret = client.secrets().inNamespace(ns).withName(model.names().poolerAuthSecret()).get();
    Map<String, String> login = SecretData.decode(secret);
    if (secret == null || login.get(USERNAME + PREVIOUS) == null) {
      return List.of();
    }
    List<String> waiting = new ArrayList<>();
    for (Pod pod : client.pods().inNamespace(ns).withLabels(PoolerDeployment.selector(model)).list().getItems()) {
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip == null || !"Running".equals(pod.getStatus().getPhase()) || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (!database.poolerAccepts(model, ip, ClusterNames.POOLER_PORT, login.get(USERNAME), login.get(PASSWORD))) {
        waiting.add(pod.getMetadata().getName());
      }
    }
    return waiting;
  }

  /** Once every pgBouncer uses the new lookup login: the old one loses its password. */
  private void retireOldLookupLogin(ClusterModel model) throws SQLException {
    String ns = model.names().namespace();
    String name = model.names().poolerAuthSecret();
    if (client.secrets().inNamespace(ns).withName(name).get() == null) {
      return;
    }
    Map<String, String> data = data(ns, name);
    String old = data.get(USERNAME + PREVIOUS);
    if (old == null) {
      return;
    }
    if (PoolerAuthSetup.isLookupLogin(old) && !old.equals(data.get(USERNAME))) {
      database.setPasswords(model, List.of(PoolerAuthSetup.retire(old)), null);
    }
    edit(ns, name, d -> {
      d.remove(USERNAME + PREVIOUS);
      d.put(PoolerConfigMap.AUTH_FILE_KEY, PoolerConfigMap.authFile(Map.of(d.get(USERNAME), d.get(PASSWORD))));
    });
  }

  private void mark(String ns, ClusterModel model, Step step) {
    edit(ns, model.names().replicationSecret(), data -> data.put(STEP, step.toString()));
  }

  /** A rotation's token, the step it reached (prepared: new passwords beside the old; swapped) and its start. */
  record Step(String token, String state, String time) {
    static Step parse(String value) {
      if (value == null) {
        return null;
      }
      String[] parts = value.split(" ", 3);
      return parts.length == 3 ? new Step(parts[2], parts[0], parts[1]) : null;
    }

    @Override
    public String toString() {
      // The token last: it is the annotation's value and may hold spaces.
      return state + " " + time + " " + token;
    }
  }

  /**
   * Outside a rotation: when the logins changed since every member was last seen with them, the
   * members that have not loaded them reload. True when every member has them.
   */
  private boolean syncLogins(String key, ClusterModel model, List<Pod> pods, Function<String, Optional<Secret>> cachedSecret) {
    String version = PatroniCredentials.version(PatroniCredentialsDependent.logins(model,
        name -> cachedSecret.apply(name).orElseGet(() -> fresh(model.names().namespace()).apply(name))));
    if (version.equals(loaded.get(key))) {
      return true;
    }
    List<String> waiting = reloadStale(model, pods, version, login(model.names().namespace(), model));
    if (waiting.isEmpty()) {
      loaded.put(key, version);
      return true;
    }
    return false;
  }

  /** POST /reload on each member whose logins tag is not {@code version}; returns their names. */
  private List<String> reloadStale(ClusterModel model, List<Pod> pods, String version, PatroniClient.Login login) {
    String primary = ClusterStatus.primaryPod(pods);
    Pod pod = primary == null ? null : client.pods().inNamespace(model.names().namespace()).withName(primary).get();
    String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null) {
      return List.of("the primary");
    }
    List<String> waiting = new ArrayList<>();
    PatroniClient api = patroni.forCluster(PatroniOperations.restApiTls(client, model));
    for (Member m : api.cluster(PatroniOperations.restApiBase(api, model, pod, ip))) {
      // No tag: a pod of an older template, whose logins are environment variables (it rolls soon).
      if (m.credentials() == null || version.equals(m.credentials()) || m.apiBase() == null) {
        continue;
      }
      waiting.add(m.name());
      api.reload(m.apiBase(), login);
    }
    return waiting;
  }

  private PatroniClient.Login login(String ns, ClusterModel model) {
    Map<String, String> data = data(ns, model.names().replicationSecret());
    return new PatroniClient.Login(data.get("restapi-username"), data.get(RESTAPI_PASSWORD),
        data.get(RESTAPI_PASSWORD + PREVIOUS));
  }

  private Function<String, Secret> fresh(String ns) {
    return name -> client.secrets().inNamespace(ns).withName(name).get();
  }

  private Map<String, String> data(String ns, String name) {
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("the Secret " + name + " does not exist");
    }
    return SecretData.decode(secret);
  }

  /** Read, change, write with the read resourceVersion (a concurrent writer makes it fail and retry). */
  private void edit(String ns, String name, java.util.function.Consumer<Map<String, String>> change) {
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("the Secret " + name + " does not exist");
    }
    Map<String, String> data = new LinkedHashMap<>(SecretData.decode(secret));
    Map<String, String> before = new LinkedHashMap<>(data);
    change.accept(data);
    if (data.equals(before)) {
      return;
    }
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    secret.setData(encoded);
    secret.setStringData(null);
    client.secrets().inNamespace(ns).resource(secret).update();
  }

  private static String annotation(TradingDatabase db) {
    Map<String, String> annotations = db.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static Duration interval(TradingDatabase db) {
    PasswordRotationSpec spec = db.getSpec().getPasswordRotation();
    return spec == null || !Boolean.TRUE.equals(spec.getEnabled()) || spec.getInterval() == null
        ? null : Durations.parse(spec.getInterval());
  }

  private static Instant created(TradingDatabase db) {
    String created = db.getMetadata().getCreationTimestamp();
    return created == null ? null : Instant.parse(created);
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
