package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.tradingdatabase.monitoring.DatabaseMetrics;
import io.tradingdb.operator.postgres.SqlFailure;
import io.tradingdb.operator.tradingdatabase.status.CheckOutcome;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HealthStatus;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.postgres.AdminConnection;
import io.tradingdb.operator.kube.TargetUnavailableException;
import io.tradingdb.operator.kube.CronSchedule;
import io.tradingdb.operator.kube.Durations;
import io.tradingdb.operator.kube.SecretData;
import io.tradingdb.operator.postgres.HealthCheck;
import io.tradingdb.operator.postgres.HealthEvaluator;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.postgres.PooledConnection;
import io.tradingdb.operator.postgres.PostgresConnections;
import io.tradingdb.operator.postgres.VacuumAnalyze;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.monitoring.HealthReport;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.postgres.PostgresCredentials;
import io.tradingdb.operator.tradingdatabase.monitoring.LoginSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.function.Function;

/**
 * The part of a TradingDatabase that lives inside PostgreSQL: the pooler's lookup login, the
 * exporter's monitoring login, and the guide's daily health queries, run read-only on an interval
 * against the primary through the read-write Service.
 */
public class DatabaseChecks {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DatabaseChecks.class);

  private final KubernetesClient client;
  private final PostgresConnections connections;
  private final Clock clock;
  private final Function<ClusterModel, AdminConnection> primary;
  private final DatabaseMetrics metrics;

  /** Connects through the cluster's read-write Service as the superuser, verifying its CA. */
  public DatabaseChecks(KubernetesClient client, PostgresConnections connections, Clock clock, DatabaseMetrics metrics) {
    this(client, connections, clock, model -> AdminConnection.resolve(client, model.names().namespace(), model.connectionTarget()),
        metrics);
  }

  /** @param primary where and as whom to reach a cluster's primary */
  public DatabaseChecks(
      KubernetesClient client, PostgresConnections connections, Clock clock,
      Function<ClusterModel, AdminConnection> primary) {
    this(client, connections, clock, primary, DatabaseMetrics.discarded());
  }

  /** @param primary where and as whom to reach a cluster's primary */
  public DatabaseChecks(
      KubernetesClient client, PostgresConnections connections, Clock clock,
      Function<ClusterModel, AdminConnection> primary, DatabaseMetrics metrics) {
    this.client = client;
    this.connections = connections;
    this.clock = clock;
    this.primary = primary;
    this.metrics = metrics;
  }

  /**
   * Whether the last round is stale although the health interval has not passed: the spec changed
   * since it ran, or a declared hypertable was missing or could not be changed (retried every 30 s).
   */
  public boolean policiesDue(TradingDatabase db, ClusterModel model, CheckOutcome last) {
    if (last == null) {
      return true;
    }
    if (model.hypertables().isEmpty() && last.policies() == null) {
      return false;
    }
    if (!java.util.Objects.equals(last.generation(), db.getMetadata().getGeneration())) {
      return true;
    }
    return last.policies() != null && last.policies().retrySoon() && last.ranAt() != null
        && !Instant.now(clock).isBefore(last.ranAt().plus(POLICY_RETRY));
  }

  /** How soon a missing hypertable or a failed policy change is tried again. */
  public static final Duration POLICY_RETRY = Duration.ofSeconds(30);

  /** How long until the next round is due; zero when it is due now. */
  public Duration untilDue(ClusterModel model, HealthStatus previous) {
    Duration interval = Durations.parse(model.monitoring().healthCheckInterval());
    if (previous == null || previous.getCheckedAt() == null) {
      return Duration.ZERO;
    }
    Duration since = Duration.between(Instant.parse(previous.getCheckedAt()), Instant.now(clock));
    return since.compareTo(interval) >= 0 ? Duration.ZERO : interval.minus(since);
  }

  /**
   * Sets new passwords on the primary in one transaction, as the superuser. When the superuser's own
   * password was already changed by an earlier attempt that stopped before its Secret was updated,
   * {@code superuserNext} logs in instead.
   */
  public void setPasswords(ClusterModel model, List<io.tradingdb.operator.postgres.PlannedStatement> plan,
      String superuserNext) throws SQLException {
    AdminConnection admin = primary.apply(model);
    try {
      runOnce(admin, plan);
    } catch (SQLException e) {
      if (superuserNext == null || !"28P01".equals(e.getSQLState())) {
        throw e;
      }
      runOnce(new AdminConnection(admin.target(),
          new io.tradingdb.operator.postgres.PostgresCredentials(admin.credentials().username(), superuserNext),
          admin.caCertificatePem()), plan);
    }
  }

  private void runOnce(AdminConnection admin, List<io.tradingdb.operator.postgres.PlannedStatement> plan) throws SQLException {
    // Its own session: a pooled one would outlive the superuser's old password.
    try (Connection own = connections.openUnpooled(admin.target(), admin.credentials(), admin.caCertificatePem())) {
      io.tradingdb.operator.postgres.PasswordRotationSql.apply(own, plan);
    }
  }

  public CheckOutcome run(TradingDatabase db, ClusterModel model, HealthStatus previous) {
    String namespace = model.names().namespace();
    try {
      AdminConnection admin = primary.apply(model);
      try (PooledConnection connection =
          connections.open(admin.target(), admin.credentials(), admin.caCertificatePem())) {
        if (model.pooler().enabled()) {
          Map<String, String> pooler = login(namespace, model.names().poolerAuthSecret());
          PoolerAuthSetup.apply(connection.jdbc(), model.databaseName(),
              pooler.get(LoginSecrets.USERNAME_KEY), pooler.get(LoginSecrets.PASSWORD_KEY));
        }
        if (model.monitoring().enabled()) {
          MonitoringRoleSetup.apply(connection.jdbc(), model.databaseName(),
              password(namespace, model.names().monitoringSecret()));
        }
        List<HypertableStatus> managed = db.getStatus() == null ? null : db.getStatus().getHypertables();
        io.tradingdb.operator.tradingdatabase.status.PolicyOutcome policies = HypertablePolicyRun.reconcile(
            connection.jdbc(), model.databaseName(), model.hypertables(), managed);
        if (policies != null) {
          metrics.policies(namespace, model.names().cluster(), policies.tables());
          if (policies.executed() > 0) {
            LOG.info("TradingDatabase {}/{}: {} TimescaleDB policy statements executed", namespace,
                model.names().cluster(), policies.executed());
          }
        }
        String lastVacuum = previous == null ? null : previous.getLastVacuum();
        if (vacuumDue(db, model, lastVacuum)) {
          // Its own session: VACUUM of a large table outlasts the pool's socket timeout.
          try (Connection own = connections.openUnpooled(admin.target(), admin.credentials(), admin.caCertificatePem())) {
            VacuumAnalyze.Result vacuum = VacuumAnalyze.run(own, clock);
            metrics.vacuum(namespace, model.names().cluster(), vacuum);
            lastVacuum = vacuum.summary();
          }
        }
        HealthCheck.Result result = HealthCheck.run(connection.jdbc());
        HealthStatus health = HealthReport.status(result, Instant.now(clock), lastVacuum);
        return new CheckOutcome(health, HealthEvaluator.summary(HealthReport.findings(model, result)), null, policies,
            db.getMetadata().getGeneration(), Instant.now(clock));
      }
    } catch (SQLException e) {
      LOG.warn("TradingDatabase {}/{}: health queries failed", db.getMetadata().getNamespace(), db.getMetadata().getName(), e);
      return new CheckOutcome(previous, null, "health queries failed: " + SqlFailure.message(e),
          null, db.getMetadata().getGeneration(), Instant.now(clock));
    } catch (TargetUnavailableException e) {
      return new CheckOutcome(previous, null, e.getMessage(), null, db.getMetadata().getGeneration(), Instant.now(clock));
    } catch (RuntimeException e) {
      // Finding the primary's address or a Secret failed (an API error, say): the checks report it and the
      // rest of the reconcile still runs, so the status keeps telling what the pods do.
      LOG.warn("TradingDatabase {}/{}: database checks failed", db.getMetadata().getNamespace(), db.getMetadata().getName(), e);
      return new CheckOutcome(previous, null, "database checks failed: " + e.getMessage(), null,
          db.getMetadata().getGeneration(), Instant.now(clock));
    }
  }

  /**
   * The guide's weekly VACUUM ANALYZE is due when the schedule has fired since the last run (or
   * since the cluster was created). It runs with the next health round, so at most one health
   * interval after its time.
   */
  boolean vacuumDue(TradingDatabase db, ClusterModel model, String lastVacuum) {
    String schedule = model.monitoring().vacuumAnalyzeSchedule();
    if (schedule == null) {
      return false;
    }
    Instant since = lastVacuumTime(lastVacuum);
    if (since == null) {
      String created = db.getMetadata().getCreationTimestamp();
      since = created == null ? Instant.now(clock) : Instant.parse(created);
    }
    ZonedDateTime next = CronSchedule.parse(schedule).next(since.atZone(ZoneOffset.UTC), ZoneOffset.UTC);
    return !next.toInstant().isAfter(Instant.now(clock));
  }

  /** The summary VacuumAnalyze writes starts with the time the run started. */
  static Instant lastVacuumTime(String summary) {
    if (summary == null || summary.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(summary.split(" ", 2)[0]);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Creates the pooler's two lookup logins and its lookup function, or brings them up to date, on
   * the primary (a password rotation needs the unused login before it gives it a password).
   */
  public void ensurePoolerLookup(ClusterModel model) throws SQLException {
    AdminConnection admin = primary.apply(model);
    try (PooledConnection connection = connections.open(admin.target(), admin.credentials(), admin.caCertificatePem())) {
      PoolerAuthSetup.ensure(connection.jdbc(), model.databaseName());
    }
  }

  /**
   * Whether the pgBouncer at {@code host}:{@code port} (a pod's address) lets {@code login} in with
   * {@code password}. pgBouncer checks its lookup logins against its auth file, and the lookup
   * function never returns them, so a yes means it has loaded the file that holds this login.
   */
  public boolean poolerAccepts(ClusterModel model, String host, int port, String login, String password) {
    ConnectionTarget pod = new ConnectionTarget(host, port, model.databaseName(),
        model.tlsEnabled() ? "require" : "disable", null, null, null, null, null, null, 0);
    try (Connection c = connections.openUnpooled(pod, new PostgresCredentials(login, password), null)) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private Map<String, String> login(String namespace, String secret) {
    Map<String, String> data = SecretData.decode(client.secrets().inNamespace(namespace).withName(secret).get());
    if (data.get(LoginSecrets.USERNAME_KEY) == null || data.get(LoginSecrets.PASSWORD_KEY) == null) {
      throw new TargetUnavailableException("Secret '" + secret + "' has no login yet");
    }
    return data;
  }

  private String password(String namespace, String secret) {
    String password = SecretData.value(client.secrets().inNamespace(namespace).withName(secret).get(), "password");
    if (password == null) {
      throw new TargetUnavailableException("Secret '" + secret + "' has no key 'password' yet");
    }
    return password;
  }
}
