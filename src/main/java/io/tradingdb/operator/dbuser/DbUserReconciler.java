package io.tradingdb.operator.dbuser;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.postgres.AdminConnection;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUserStatus;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReclaimPolicy;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.dbuser.GrantPlanner.GrantPlan;
import io.tradingdb.operator.dbuser.GrantPlanner.PasswordIntent;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.kube.EventRecorder;
import io.tradingdb.operator.kube.StatusPatch;
import io.tradingdb.operator.kube.TargetUnavailableException;
import io.tradingdb.operator.kube.ExternalTargetPolicy;
import io.tradingdb.operator.kube.StatusMessages;
import io.tradingdb.operator.kube.ExternalTargetPolicy.TargetNotAllowedException;
import io.tradingdb.operator.postgres.CatalogSnapshot;
import io.tradingdb.operator.postgres.PlanExecutor;
import io.tradingdb.operator.postgres.PooledConnection;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.RoleCatalog;
import io.tradingdb.operator.postgres.RoleState;
import io.tradingdb.operator.postgres.ScramPasswords;
import io.tradingdb.operator.postgres.SqlFailure;
import io.tradingdb.operator.postgres.SqlPlan;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.net.HttpURLConnection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a PostgreSQL role equal to its DbUser: reads the catalog, plans CREATE/ALTER ROLE, GRANT
 * and REVOKE, runs the plan in one transaction, then writes the connection Secret. Roles the
 * operator did not create are left alone unless the spec adopts them; see docs/dbuser.md.
 */
@ControllerConfiguration(name = "dbuser", informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT))
public class DbUserReconciler implements Reconciler<DbUser>, Cleaner<DbUser> {

  public static final String REASON_RECONCILED = "Reconciled";
  public static final String REASON_UNREACHABLE = "DatabaseUnreachable";
  public static final String REASON_PERMISSION_DENIED = "PermissionDenied";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_OBJECT_MISSING = "ObjectMissing";
  public static final String REASON_ROLE_CONFLICT = "RoleConflict";
  public static final String REASON_DATABASE_ERROR = "DatabaseError";
  public static final String REASON_TARGET_NOT_ALLOWED = "TargetNotAllowed";

  private static final Logger LOG = LoggerFactory.getLogger(DbUserReconciler.class);

  /**
   * @param resync how often a Ready DbUser is checked again for drift
   * @param objectMissingRetry retry delay while a named object does not exist
   * @param conflictRetry retry delay for RoleConflict and PermissionDenied
   * @param backoffMin first retry delay when the database is unreachable, doubled per failure
   * @param backoffMax longest retry delay when the database is unreachable
   * @param externalTargets the hosts target.external may name; checked before any connection
   */
  public record Settings(
      Duration resync, Duration objectMissingRetry, Duration conflictRetry, Duration backoffMin, Duration backoffMax,
      boolean connectToTradingDatabases, ExternalTargetPolicy externalTargets) {

    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
          Duration.ofSeconds(5), Duration.ofMinutes(5), true, ExternalTargetPolicy.defaults());
    }

    /** Where TradingDatabase pods run no PostgreSQL (simulated nodes), only external targets are used. */
    public Settings withConnectToTradingDatabases(boolean connect) {
      return new Settings(resync, objectMissingRetry, conflictRetry, backoffMin, backoffMax, connect, externalTargets);
    }

    public Settings withExternalTargets(ExternalTargetPolicy policy) {
      return new Settings(resync, objectMissingRetry, conflictRetry, backoffMin, backoffMax, connectToTradingDatabases,
          policy);
    }
  }

  /** A Secret the spec names (password.secretRef) is not there yet. */
  private static final class MissingSecretException extends RuntimeException {
    MissingSecretException(String message) {
      super(message);
    }
  }

  private final KubernetesClient client;
  private final PostgresConnections connections;
  private final Clock clock;
  private final Settings settings;
  private final EventRecorder events;
  private final ConnectionSecretWriter secrets;
  private final AtomicLong statementsExecuted = new AtomicLong();
  private final Map<String, Integer> unreachableFailures = new ConcurrentHashMap<>();

  public DbUserReconciler(KubernetesClient client, PostgresConnections connections, Clock clock) {
    this(client, connections, clock, Settings.defaults());
  }

  public DbUserReconciler(KubernetesClient client, PostgresConnections connections, Clock clock, Settings settings) {
    this.client = client;
    this.connections = connections;
    this.clock = clock;
    this.settings = settings;
    this.events = new EventRecorder(client, clock);
    this.secrets = new ConnectionSecretWriter(client);
  }

  /** Plan statements executed since start (catalog reads are not counted). */
  public long statementsExecuted() {
    return statementsExecuted.get();
  }

  @Override
  public UpdateControl<DbUser> reconcile(DbUser user, Context<DbUser> context) {
    DbUserOutcome outcome = sync(user);
    DbUserStatus previous = user.getStatus();
    DbUserStatus next = DbUserStatusBuilder.build(user, previous, outcome, clock);
    announceTransition(user, previous, outcome);
    UpdateControl<DbUser> control;
    if (next.equals(previous)) {
      control = UpdateControl.noUpdate();
    } else {
      control = UpdateControl.patchStatus(StatusPatch.of(user, next, DbUser::new));
    }
    // The caller's copy shows the new status too (the SDK hands a clone; direct callers read it back).
    user.setStatus(next);
    return outcome.requeue() == null ? control : control.rescheduleAfter(outcome.requeue());
  }

  @Override
  public ErrorStatusUpdateControl<DbUser> updateErrorStatus(DbUser user, Context<DbUser> context, Exception e) {
    DbUserStatus previous = user.getStatus();
    LOG.warn("DbUser {}/{}: reconcile failed", user.getMetadata().getNamespace(), user.getMetadata().getName(), e);
    DbUserOutcome outcome = DbUserOutcome.degraded(REASON_DATABASE_ERROR, "reconcile failed: " + StatusMessages.of(e), null);
    DbUserStatus next = DbUserStatusBuilder.build(user, previous, outcome, clock);
    if (next.equals(previous)) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    return ErrorStatusUpdateControl.patchStatus(StatusPatch.of(user, next, DbUser::new));
  }

  @Override
  public DeleteControl cleanup(DbUser user, Context<DbUser> context) {
    String uid = user.getMetadata().getUid();
    DbUserModel model;
    try {
      model = DbUserModel.from(user);
    } catch (InvalidSpecException e) {
      unreachableFailures.remove(uid);
      return DeleteControl.defaultDelete();
    }
    String role = model.role().roleName();
    if (model.reclaimPolicy() == ReclaimPolicy.RETAIN) {
      unreachableFailures.remove(uid);
      events.normal(user, "RoleRetained", "role " + role + " kept (reclaimPolicy Retain)");
      return DeleteControl.defaultDelete();
    }
    AdminConnection admin;
    DbUserPolicy policy;
    try {
      settings.externalTargets().check(user.getSpec().getTarget());
      Target target = resolveTarget(user);
      admin = target.admin();
      policy = target.policy();
    } catch (TargetUnavailableException | InvalidSpecException | TargetNotAllowedException e) {
      unreachableFailures.remove(uid);
      events.warning(user, "RoleNotDropped", "role " + role + " not dropped: " + e.getMessage());
      return DeleteControl.defaultDelete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      // Deleting a namespace deletes the RoleBinding that lets a namespaced install read it, at the
      // same time as the DbUsers: retrying could never succeed and would hold the namespace forever.
      unreachableFailures.remove(uid);
      events.warning(user, "RoleNotDropped", "role " + role + " not dropped: the operator may no longer read "
          + "this namespace (is it being deleted?): HTTP 403");
      return DeleteControl.defaultDelete();
    }
    try (PooledConnection c = connections.open(admin.target(), admin.credentials(), admin.caCertificatePem())) {
      CatalogSnapshot snapshot = RoleCatalog.read(c.jdbc(), role, List.of(), rolesToCheck(model, policy));
      unreachableFailures.remove(uid);
      if (snapshot.role().isEmpty()) {
        return DeleteControl.defaultDelete();
      }
      boolean ours = RoleOwnership.parse(snapshot.role().get().comment())
          .filter(o -> o.uid().equals(uid) || o.sameObjectName(user.getMetadata().getNamespace(), user.getMetadata().getName()))
          .isPresent();
      if (!ours) {
        events.warning(user, "RoleNotDropped", "role " + role + " not dropped: it is not managed by this DbUser");
        return DeleteControl.defaultDelete();
      }
      Optional<String> refused = PrivilegeGuard.reassignTarget(model, snapshot, policy);
      if (refused.isPresent()) {
        events.warning(user, "RoleNotDropped", "role " + role + " not dropped: " + refused.get());
        return DeleteControl.defaultDelete();
      }
      SqlPlan plan = GrantPlanner.planDrop(role, model.reassignOwnedTo());
      statementsExecuted.addAndGet(PlanExecutor.execute(c.jdbc(), plan));
      LOG.atInfo().addKeyValue("namespace", user.getMetadata().getNamespace())
          .addKeyValue("dbuser", user.getMetadata().getName()).addKeyValue("role", role)
          .addKeyValue("statements", plan.size())
          .log("DbUser {}/{}: dropped role: {}", user.getMetadata().getNamespace(), user.getMetadata().getName(),
              plan.descriptions());
      events.normal(user, "RoleDropped", "role " + role + " dropped"
          + (model.reassignOwnedTo() == null ? "" : ", objects reassigned to " + model.reassignOwnedTo()));
      return DeleteControl.defaultDelete();
    } catch (SQLException e) {
      SqlFailure failure = SqlFailure.classify(e);
      Duration retry = failure == SqlFailure.UNREACHABLE ? backoff(uid) : settings.conflictRetry();
      LOG.warn("DbUser {}/{}: role {} not dropped yet", user.getMetadata().getNamespace(), user.getMetadata().getName(),
          role, e);
      events.warning(user, "RoleDropFailed", "role " + role + " not dropped yet: " + SqlFailure.message(e));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(retry);
    }
  }

  private DbUserOutcome sync(DbUser user) {
    String namespace = user.getMetadata().getNamespace();
    String uid = user.getMetadata().getUid();
    DbUserModel model;
    try {
      model = DbUserModel.from(user);
    } catch (InvalidSpecException e) {
      return DbUserOutcome.degraded(REASON_INVALID_SPEC, e.getMessage(), null);
    }
    try {
      // Before any Secret is read or any connection opened: the host may be a metadata service.
      settings.externalTargets().check(user.getSpec().getTarget());
    } catch (TargetNotAllowedException e) {
      return DbUserOutcome.degraded(REASON_TARGET_NOT_ALLOWED, e.getMessage(), null);
    } catch (TargetUnavailableException e) {
      return DbUserOutcome.degraded(REASON_UNREACHABLE, e.getMessage(), backoff(uid));
    }
    AdminConnection admin;
    DbUserPolicy policy;
    try {
      Target target = resolveTarget(user);
      admin = target.admin();
      policy = target.policy();
    } catch (TargetUnavailableException | InvalidSpecException e) {
      // InvalidSpecException here is about the TradingDatabase's spec, which its own status reports.
      return DbUserOutcome.degraded(REASON_UNREACHABLE, e.getMessage(), backoff(uid));
    }
    Secret existing = secrets.read(user, model.connectionSecretName());
    if (existing != null && !ConnectionSecrets.isOwnedBy(existing, user)) {
      return DbUserOutcome.degraded(REASON_INVALID_SPEC, "Secret " + model.connectionSecretName()
          + " exists and is not owned by this DbUser; choose another spec.connectionSecretName", null);
    }
    Map<String, String> secretData = ConnectionSecrets.decode(existing);
    String role = model.role().roleName();
    PasswordRotation.Choice password;
    try {
      password = choosePassword(user, model, existing, secretData, admin);
    } catch (InvalidSpecException e) {
      return DbUserOutcome.degraded(REASON_INVALID_SPEC, e.getMessage(), null);
    } catch (MissingSecretException e) {
      return DbUserOutcome.degraded(REASON_OBJECT_MISSING, e.getMessage(), settings.objectMissingRetry());
    }
    try (PooledConnection c = connections.open(admin.target(), admin.credentials(), admin.caCertificatePem())) {
      CatalogSnapshot snapshot = RoleCatalog.read(c.jdbc(), role, model.role().schemasUsed(), rolesToCheck(model, policy));
      unreachableFailures.remove(uid);
      Optional<String> conflict = conflict(user, model, snapshot, policy);
      if (conflict.isPresent()) {
        return DbUserOutcome.degraded(REASON_ROLE_CONFLICT, conflict.get(), settings.conflictRetry());
      }
      // Refused against the catalog as it is now: retried, since an admin may change the roles involved.
      Optional<String> refused = PrivilegeGuard.memberships(model, snapshot, policy);
      if (refused.isPresent()) {
        return DbUserOutcome.degraded(REASON_INVALID_SPEC, refused.get(), settings.conflictRetry());
      }
      if (password.rotating() && !password.password().equals(secretData.get(ConnectionSecrets.NEXT_PASSWORD))) {
        // Written before ALTER ROLE: a crash in between cannot lose the password now in force.
        Map<String, String> pending = new java.util.TreeMap<>(secretData);
        pending.put(ConnectionSecrets.NEXT_PASSWORD, password.password());
        existing = secrets.write(user, model.connectionSecretName(), existing, pending, password.changedAt());
      }
      String comment = RoleOwnership.comment(namespace, user.getMetadata().getName(), uid);
      GrantPlan plan = GrantPlanner.plan(
          model.role(), snapshot, new PasswordIntent(password.password(), password.knownApplied()), comment);
      int executed = PlanExecutor.execute(c.jdbc(), plan.plan());
      statementsExecuted.addAndGet(executed);
      String changedAt = plan.passwordSet() ? now() : password.changedAt();
      Map<String, String> data = ConnectionSecrets.data(admin.target(), role, password.password(), admin.caCertificatePem());
      boolean written = false;
      if (!data.equals(secretData) || !Objects.equals(changedAt, ConnectionSecretWriter.changedAt(existing))) {
        secrets.write(user, model.connectionSecretName(), existing, data, changedAt);
        written = true;
      }
      if (executed > 0) {
        LOG.atInfo().addKeyValue("namespace", namespace).addKeyValue("dbuser", user.getMetadata().getName())
            .addKeyValue("role", role).addKeyValue("statements", executed)
            .log("DbUser {}/{}: executed {} statements: {}", namespace, user.getMetadata().getName(), executed,
                plan.plan().descriptions());
        announceChanges(user, role, plan, password);
      }
      List<String> applied = PrivilegeSummary.describe(model.role(), snapshot.database(), snapshot.currentUser(), plan.missing());
      if (!plan.missing().isEmpty()) {
        return new DbUserOutcome(REASON_OBJECT_MISSING, "waiting for " + String.join(", ", plan.missing()),
            settings.objectMissingRetry(), changedAt, applied, written);
      }
      return new DbUserOutcome(null, "role " + role + " matches the spec",
          PasswordRotation.nextCheck(model, changedAt, Instant.now(clock), settings.resync()), changedAt,
          applied, written);
    } catch (SQLException e) {
      return failure(uid, e);
    }
  }

  private DbUserOutcome failure(String uid, SQLException e) {
    LOG.info("DbUser with uid {}: database call failed", uid, e);
    String message = SqlFailure.message(e);
    return switch (SqlFailure.classify(e)) {
      case UNREACHABLE -> DbUserOutcome.degraded(REASON_UNREACHABLE, "cannot reach the database: " + message, backoff(uid));
      case PERMISSION_DENIED -> DbUserOutcome.degraded(REASON_PERMISSION_DENIED, message, settings.conflictRetry());
      case OBJECT_MISSING -> DbUserOutcome.degraded(REASON_OBJECT_MISSING, message, settings.objectMissingRetry());
      case CONFLICT -> DbUserOutcome.degraded(REASON_ROLE_CONFLICT, message, settings.backoffMin());
      case TRANSIENT, OTHER -> DbUserOutcome.degraded(REASON_DATABASE_ERROR, message, settings.conflictRetry());
    };
  }

  /** Where to connect, and what the target's TradingDatabase (if any) lets its DbUsers join. */
  private record Target(AdminConnection admin, DbUserPolicy policy) {}

  private Target resolveTarget(DbUser user) {
    String namespace = user.getMetadata().getNamespace();
    TradingDatabase tradingDatabase = AdminTargets.tradingDatabase(client, namespace, user.getSpec().getTarget(),
        settings.connectToTradingDatabases());
    return new Target(AdminTargets.resolve(client, namespace, user.getSpec().getTarget(), tradingDatabase),
        DbUserPolicy.from(tradingDatabase));
  }

  /** Roles whose memberships the privilege model needs from the catalog. */
  private static Set<String> rolesToCheck(DbUserModel model, DbUserPolicy policy) {
    Set<String> roles = new TreeSet<>(model.role().rolesUsed());
    roles.addAll(policy.predefinedRoles());
    if (model.reassignOwnedTo() != null) {
      roles.add(model.reassignOwnedTo());
    }
    return roles;
  }

  /** Why this DbUser may not touch the role, if it may not. */
  private Optional<String> conflict(DbUser user, DbUserModel model, CatalogSnapshot snapshot, DbUserPolicy policy) {
    String role = model.role().roleName();
    if (role.equals(snapshot.currentUser())) {
      return Optional.of("role " + role + " is the admin role the operator connects as");
    }
    if (snapshot.role().isEmpty()) {
      return Optional.empty();
    }
    RoleState state = snapshot.role().get();
    String namespace = user.getMetadata().getNamespace();
    Optional<RoleOwnership.Owner> owner = RoleOwnership.parse(state.comment());
    if (owner.isPresent()
        && (owner.get().uid().equals(user.getMetadata().getUid())
            || owner.get().sameObjectName(namespace, user.getMetadata().getName()))) {
      return Optional.empty();
    }
    if (owner.isPresent() && ownerStillExists(owner.get())) {
      return Optional.of("role " + role + " is managed by DbUser " + owner.get().namespace() + "/"
          + owner.get().name());
    }
    if (!model.adopt()) {
      return Optional.of("role " + role + " exists and was not created by the operator; set spec.adopt: true to manage it");
    }
    return PrivilegeGuard.adoption(role, snapshot, policy);
  }

  private boolean ownerStillExists(RoleOwnership.Owner owner) {
    DbUser other = client.resources(DbUser.class).inNamespace(owner.namespace()).withName(owner.name()).get();
    return other != null && owner.uid().equals(other.getMetadata().getUid());
  }

  /** Reads what the rotation step needs (the author's password Secret, if any) and lets it choose. */
  private PasswordRotation.Choice choosePassword(
      DbUser user, DbUserModel model, Secret existing, Map<String, String> secretData, AdminConnection admin) {
    String changedAt = ConnectionSecretWriter.changedAt(existing);
    if (changedAt == null && user.getStatus() != null) {
      changedAt = user.getStatus().getPasswordChangedAt();
    }
    if (model.generatedPassword()) {
      return PasswordRotation.generated(model, secretData, changedAt, Instant.now(clock), ScramPasswords::generate);
    }
    String name = model.passwordSecret().getName();
    Secret source = client.secrets().inNamespace(user.getMetadata().getNamespace()).withName(name).get();
    // The password is copied into the connection Secret the author reads: never from a credential Secret.
    if (name.equals(admin.target().credentialsSecret()) || ConnectionSecrets.isOperatorManaged(source)) {
      throw new InvalidSpecException("spec.password.secretRef may not name Secret " + name
          + ": it holds the admin credentials or another credential the operator manages");
    }
    String value = ConnectionSecrets.decode(source).get(model.passwordSecret().getKey());
    if (value == null || value.isEmpty()) {
      throw new MissingSecretException("Secret " + name + " with key " + model.passwordSecret().getKey()
          + " does not exist yet");
    }
    return PasswordRotation.fromSecretRef(value, secretData, changedAt);
  }

  private void announceTransition(DbUser user, DbUserStatus previous, DbUserOutcome outcome) {
    Optional<Condition> before = Conditions.find(previous == null ? null : previous.getConditions(), Conditions.READY);
    String reasonBefore = before.map(Condition::getReason).orElse(null);
    String reasonNow = outcome.reason() == null ? REASON_RECONCILED : outcome.reason();
    if (Objects.equals(reasonBefore, reasonNow)) {
      return;
    }
    if (outcome.reason() == null) {
      events.normal(user, "Ready", outcome.message());
    } else {
      events.warning(user, outcome.reason(), outcome.message());
    }
  }

  private void announceChanges(DbUser user, String role, GrantPlan plan, PasswordRotation.Choice password) {
    if (plan.roleCreated()) {
      events.normal(user, "RoleCreated", "created role " + role);
    } else if (plan.passwordSet() && password.rotating()) {
      events.normal(user, "PasswordRotated", "rotated the password of role " + role);
    } else if (plan.passwordSet()) {
      events.normal(user, "PasswordChanged", "set the password of role " + role);
    }
    int other = plan.plan().size() - (plan.roleCreated() || plan.passwordSet() ? 1 : 0);
    if (other > 0 && !plan.roleCreated()) {
      events.normal(user, "PrivilegesChanged", "applied " + other + " statements to role " + role);
    }
  }

  private Duration backoff(String uid) {
    int failures = unreachableFailures.merge(uid, 1, Integer::sum);
    long millis = settings.backoffMin().toMillis() << Math.min(failures - 1, 16);
    return Duration.ofMillis(Math.min(millis, settings.backoffMax().toMillis()));
  }

  private String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
