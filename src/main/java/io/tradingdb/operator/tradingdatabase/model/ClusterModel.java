package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.kube.InvalidSpecException;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.AlertThresholds;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.NetworkPolicySpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PoolerSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeDeletionPolicy;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.AutoGrowSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeSpec;
import io.tradingdb.operator.pgbackrest.RepositoryStorage;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.common.SslMode;
import io.tradingdb.operator.kube.TargetUnavailableException;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.tradingdb.operator.kube.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A TradingDatabase with every default resolved and every rule the schema cannot express checked.
 * Built once per reconcile by {@link #from}; the builders read only this, never the raw spec.
 */
public record ClusterModel(
    ClusterNames names,
    String uid,
    Profile profile,
    String image,
    String imagePullPolicy,
    int instances,
    String databaseName,
    Volume data,
    Optional<Volume> wal,
    ResourceRequirements resources,
    Map<String, String> postgresParameters,
    List<String> sharedPreloadLibraries,
    Patroni patroni,
    Pooler pooler,
    Monitoring monitoring,
    boolean tlsEnabled,
    String tlsSecret,
    TlsSource tlsSource,
    SchedulingSpec scheduling,
    String superuserSecret,
    boolean superuserSecretGenerated,
    VolumeDeletionPolicy volumeDeletionPolicy,
    NetworkPolicy networkPolicy,
    Optional<PgBackRest> pgBackRest,
    Optional<PgBackRestBootstrap> pgBackRestBootstrap,
    List<io.tradingdb.operator.postgres.TimescalePolicies.Hypertable> hypertables) {

  public static final String DEFAULT_IMAGE = "timescale/timescaledb-ha:pg16";
  // CloudNativePG's pgBouncer image: rebuilt on Debian for each release, runs as uid 998.
  public static final String DEFAULT_POOLER_IMAGE = "ghcr.io/cloudnative-pg/pgbouncer:1.24.0";
  public static final String DEFAULT_EXPORTER_IMAGE =
      "quay.io/prometheuscommunity/postgres-exporter:v0.15.0";
  public static final List<String> ALWAYS_PRELOADED = List.of("timescaledb", "pg_stat_statements");

  /** Who provides the server certificate Secret. */
  public enum TlsSource { OPERATOR_CA, USER_SECRET, CERT_MANAGER }

  /** One volume claim template's resolved settings. */
  public record Volume(String size, String storageClassName, AutoGrow autoGrow) {
    public Volume(String size, String storageClassName) {
      this(size, storageClassName, AutoGrow.OFF);
    }
  }

  /** spec.storage.*.autoGrow resolved: defaults filled in, sizes in bytes. */
  public record AutoGrow(boolean enabled, int thresholdPercent, int incrementPercent, String maxSize, long maxBytes) {
    public static final AutoGrow OFF = new AutoGrow(false, AutoGrowSpec.DEFAULT_THRESHOLD_PERCENT,
        AutoGrowSpec.DEFAULT_INCREMENT_PERCENT, null, 0);
  }

  /** @param restApiTls Patroni's REST API serves HTTPS with the server certificate (tls on, not switched off) */
  public record Patroni(boolean synchronousMode, int ttlSeconds, long maximumLagOnFailoverBytes, boolean restApiTls) {}

  public record Pooler(
      boolean enabled, int instances, String image, String poolMode, int maxClientConn,
      int defaultPoolSize, int reservePoolSize, Map<String, String> parameters,
      ResourceRequirements resources) {}

  public record Monitoring(
      boolean enabled, String exporterImage, ResourceRequirements exporterResources,
      int connectionsPercent, double databaseSizeGiB, double cacheHitRatio,
      int replicationLagSeconds, int poolerWaitSeconds, String healthCheckInterval,
      String vacuumAnalyzeSchedule, Optional<Alerting> alerting, Checks checks) {}

  /**
   * Thresholds of the guide's further checks (disk, locks, sessions, wraparound, dead rows, the
   * errors pg_stat_database counts within {@code errorWindow}, a duration PromQL reads as written).
   */
  public record Checks(
      int diskUsagePercent, int diskUsageCriticalPercent, int lockWaitSeconds, int longRunningQuerySeconds,
      int idleInTransactionSeconds, long transactionIdAge, long deadTuples, int deadlocks,
      long tempFileBytes, String errorWindow) {}

  /** spec.monitoring.alerting with default keys resolved; exactly one of slack or webhook is set. */
  public record Alerting(Optional<Slack> slack, Optional<SecretKey> webhookUrl) {}

  public record Slack(SecretKey webhookUrl, String channel) {}

  public record SecretKey(String secret, String key) {}

  /**
   * Who besides the operator's own components may connect; {@code enabled} false means no
   * NetworkPolicy. Selectors are null when unset.
   */
  public record NetworkPolicy(
      boolean enabled, List<String> allowedNamespaces, LabelSelector allowedNamespaceSelector,
      LabelSelector allowedPods) {}

  /** The cluster's own pgBackRest repository: WAL archiving is on when present. */
  public record PgBackRest(RepositoryStorage storage, PgBackRestConf.Repository repository) {}

  /**
   * A first start restored by pgBackRest from another stanza's repository: {@code backupLabel}
   * null means the latest backup, {@code targetTime} null means replaying to the archive's end.
   */
  public record PgBackRestBootstrap(
      String stanza, RepositoryStorage storage, PgBackRestConf.Repository repository,
      String backupLabel, String targetTime) {}

  /** Builds the model, or throws {@link InvalidSpecException} with a message for the user. */
  public static ClusterModel from(TradingDatabase db) {
    TradingDatabaseSpec spec = db.getSpec();
    if (spec == null) {
      throw new InvalidSpecException("spec is missing");
    }
    String name = db.getMetadata().getName();
    ClusterNames names = new ClusterNames(name, db.getMetadata().getNamespace());
    Profile profile = Optional.ofNullable(spec.getProfile()).orElse(Profile.DEVELOPMENT);
    ProfileDefaults defaults = ProfileDefaults.of(profile);

    int instances = Optional.ofNullable(spec.getInstances()).orElse(defaults.instances());
    if (instances < 1 || instances > 9) {
      throw new InvalidSpecException("spec.instances must be between 1 and 9, got " + instances);
    }
    if (spec.getDatabaseName() == null || spec.getDatabaseName().isBlank()) {
      throw new InvalidSpecException("spec.databaseName is required");
    }

    var storage = spec.getStorage();
    Volume data = volume(storage == null ? null : storage.getData(), defaults.dataSize(), "spec.storage.data.size");
    Optional<Volume> wal =
        storage != null && storage.getWal() != null
            ? Optional.of(volume(storage.getWal(), defaults.walSize().orElse("10Gi"), "spec.storage.wal.size"))
            : defaults.walSize().map(size -> new Volume(size, data.storageClassName()));

    var pg = spec.getPostgresql();
    List<String> preload = preloadLibraries(pg == null ? null : pg.getExtraSharedPreloadLibraries());
    Map<String, String> parameters = new TreeMap<>();
    if (pg != null && pg.getParameters() != null) {
      for (var entry : pg.getParameters().entrySet()) {
        PostgresParameters.check(entry.getKey(), preload);
        String key = entry.getKey().toLowerCase(java.util.Locale.ROOT);
        String value = ParameterValues.check("spec.postgresql.parameters." + key, entry.getValue());
        if (parameters.containsKey(key) && !parameters.get(key).equals(value)) {
          // PostgreSQL names are case-insensitive: Work_Mem and work_mem are one setting.
          throw new InvalidSpecException("spec.postgresql.parameters sets " + key + " twice with different values");
        }
        parameters.put(key, value);
      }
    }

    var ts = spec.getTimescaledb();
    boolean telemetry = ts != null && Boolean.TRUE.equals(ts.getTelemetry());
    parameters.put("timescaledb.telemetry_level", telemetry ? "basic" : "off");
    int workers = ts != null && ts.getMaxBackgroundWorkers() != null ? ts.getMaxBackgroundWorkers() : 8;
    parameters.put("timescaledb.max_background_workers", Integer.toString(workers));
    // TimescaleDB's workers and parallel queries come out of max_worker_processes.
    parameters.putIfAbsent("max_worker_processes", Integer.toString(workers + 8));
    parameters.putIfAbsent("pg_stat_statements.track", "all");

    var ps = spec.getPatroni();
    boolean sync = ps != null && Boolean.TRUE.equals(ps.getSynchronousMode());
    if (sync && instances < 2) {
      throw new InvalidSpecException(
          "spec.patroni.synchronousMode needs at least 2 instances; spec.instances resolves to "
              + instances);
    }
    Patroni patroni =
        new Patroni(
            sync,
            (int) Durations.field("spec.patroni.ttl", ps == null ? null : ps.getTtl(),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(5)).toSeconds(),
            ps == null || ps.getMaximumLagOnFailover() == null ? 33554432L
                : checkQuantity("spec.patroni.maximumLagOnFailover", new Quantity(ps.getMaximumLagOnFailover()), "32Mi")
                    .longValue(),
            restApiTls(spec.getTls()));

    var tls = spec.getTls();
    boolean tlsEnabled = tls == null || !Boolean.FALSE.equals(tls.getEnabled());
    TlsSource tlsSource =
        tls != null && tls.getCertificateSecretRef() != null
            ? TlsSource.USER_SECRET
            : tls != null && tls.getCertManagerIssuer() != null
                ? TlsSource.CERT_MANAGER
                : TlsSource.OPERATOR_CA;

    boolean superuserGenerated = spec.getSuperuserSecretRef() == null;
    String superuserSecret =
        superuserGenerated ? names.superuserSecret() : spec.getSuperuserSecretRef().getName();

    return new ClusterModel(
        names,
        db.getMetadata().getUid(),
        profile,
        Optional.ofNullable(spec.getImage()).orElse(DEFAULT_IMAGE),
        Optional.ofNullable(spec.getImagePullPolicy()).orElse("IfNotPresent"),
        instances,
        spec.getDatabaseName(),
        data,
        wal,
        Optional.ofNullable(checkResources(spec.getResources(), "spec.resources")).orElse(defaults.resources()),
        Map.copyOf(parameters),
        preload,
        patroni,
        pooler(spec.getPooler(), defaults),
        monitoring(spec, profile),
        tlsEnabled,
        tlsSource == TlsSource.USER_SECRET ? tls.getCertificateSecretRef().getName() : names.tlsSecret(),
        tlsSource,
        Optional.ofNullable(spec.getScheduling()).orElseGet(SchedulingSpec::new),
        superuserSecret,
        superuserGenerated,
        Optional.ofNullable(spec.getVolumeDeletionPolicy()).orElse(VolumeDeletionPolicy.RETAIN),
        networkPolicy(spec.getNetworkPolicy()),
        pgBackRest(spec, names),
        pgBackRestBootstrap(spec, names),
        HypertableModel.from(spec.getTimescaledb()));
  }

  private static boolean restApiTls(TlsSpec tls) {
    boolean tlsEnabled = tls == null || !Boolean.FALSE.equals(tls.getEnabled());
    return tlsEnabled && (tls == null || tls.getPatroniRestApi() == null
        || !Boolean.FALSE.equals(tls.getPatroniRestApi().getEnabled()));
  }

  private static Optional<PgBackRest> pgBackRest(TradingDatabaseSpec spec, ClusterNames names) {
    if (spec.getPgBackRest() == null || Boolean.FALSE.equals(spec.getPgBackRest().getEnabled())) {
      return Optional.empty();
    }
    RepositoryStorage storage = RepositoryStorage.from(
        spec.getPgBackRest().getRepository(), names.namespace() + "/" + names.cluster() + "/pgbackrest",
        names.cluster() + "/pgbackrest");
    return Optional.of(new PgBackRest(storage, PgBackRestConf.Repository.of(storage, PgBackRestConf.PVC_MOUNT)));
  }

  private static Optional<PgBackRestBootstrap> pgBackRestBootstrap(TradingDatabaseSpec spec, ClusterNames names) {
    var bootstrap = spec.getBootstrap();
    if (bootstrap == null || bootstrap.getFromBackup() == null || bootstrap.getFromBackup().getPgBackRest() == null) {
      if (bootstrap != null && bootstrap.getFromBackup() != null && bootstrap.getFromBackup().getTargetTime() != null) {
        throw new InvalidSpecException(
            "spec.bootstrap.fromBackup.targetTime needs fromBackup.pgBackRest: pg_dump backups have no WAL to replay");
      }
      return Optional.empty();
    }
    var from = bootstrap.getFromBackup();
    String stanza = from.getPgBackRest().getStanza();
    RepositoryStorage storage = RepositoryStorage.from(
        from.getPgBackRest().getRepository(), names.namespace() + "/" + stanza + "/pgbackrest", stanza + "/pgbackrest");
    String targetTime = from.getTargetTime();
    if (targetTime != null) {
      try {
        java.time.OffsetDateTime.parse(targetTime);
      } catch (java.time.format.DateTimeParseException e) {
        throw new InvalidSpecException("spec.bootstrap.fromBackup.targetTime '" + targetTime + "' is not an RFC 3339 time");
      }
    }
    if (from.getBackupName() != null && !from.getBackupName().matches("^[0-9]{8}-[0-9]{6}F(_[0-9]{8}-[0-9]{6}[DI])?$")) {
      throw new InvalidSpecException("spec.bootstrap.fromBackup.backupName '" + from.getBackupName()
          + "' is not a pgBackRest backup label such as 20261126-030000F");
    }
    return Optional.of(new PgBackRestBootstrap(
        stanza, storage, PgBackRestConf.Repository.of(storage, PgBackRestConf.SOURCE_PVC_MOUNT, PgBackRestConf.SOURCE_CA_DIR),
        from.getBackupName(), targetTime));
  }

  /** timescaledb and pg_stat_statements, then the extra libraries in order; a library named twice is loaded once. */
  private static List<String> preloadLibraries(List<String> extra) {
    Set<String> merged = new LinkedHashSet<>(ALWAYS_PRELOADED);
    for (String lib : Optional.ofNullable(extra).orElse(List.of())) {
      // A bare name: PostgreSQL looks it up in $libdir; a path or $libdir prefix could load any file.
      if (lib == null || !lib.matches("^[A-Za-z0-9_-]{1,63}$")) {
        throw new InvalidSpecException("spec.postgresql.extraSharedPreloadLibraries: '"
            + ParameterValues.printable(lib) + "' is not a library name");
      }
      merged.add(lib);
    }
    return List.copyOf(merged);
  }

  private static NetworkPolicy networkPolicy(NetworkPolicySpec spec) {
    if (spec == null) {
      return new NetworkPolicy(false, List.of(), null, null);
    }
    List<String> namespaces = Optional.ofNullable(spec.getAllowedNamespaces()).orElse(List.of());
    for (String namespace : namespaces) {
      // The schema leaves list items unchecked: a regex per item would exceed the CEL cost budget.
      if (namespace == null || namespace.length() > 63 || !namespace.matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")) {
        throw new InvalidSpecException(
            "spec.networkPolicy.allowedNamespaces: '" + namespace + "' is not a namespace name");
      }
    }
    return new NetworkPolicy(
        Boolean.TRUE.equals(spec.getEnabled()), List.copyOf(namespaces),
        spec.getAllowedNamespaceSelector(), spec.getAllowedPods());
  }

  private static Volume volume(VolumeSpec spec, String defaultSize, String field) {
    String size = spec != null && spec.getSize() != null ? spec.getSize() : defaultSize;
    BigDecimal bytes = checkQuantity(field, new Quantity(size), "50Gi");
    if (bytes.compareTo(Quantity.getAmountInBytes(new Quantity(VolumeSpec.MIN_SIZE))) < 0
        || bytes.compareTo(Quantity.getAmountInBytes(new Quantity(VolumeSpec.MAX_SIZE))) > 0) {
      throw new InvalidSpecException(field + ": '" + size + "' is outside " + VolumeSpec.MIN_SIZE + " to "
          + VolumeSpec.MAX_SIZE);
    }
    return new Volume(size, spec == null ? null : spec.getStorageClassName(),
        autoGrow(spec == null ? null : spec.getAutoGrow(), bytes, field.replace(".size", ".autoGrow")));
  }

  private static AutoGrow autoGrow(AutoGrowSpec spec, BigDecimal sizeBytes, String field) {
    if (spec == null || !Boolean.TRUE.equals(spec.getEnabled())) {
      return AutoGrow.OFF;
    }
    if (spec.getMaxSize() == null) {
      throw new InvalidSpecException(field + ".maxSize is required when autoGrow is enabled");
    }
    BigDecimal max = checkQuantity(field + ".maxSize", new Quantity(spec.getMaxSize()), "500Gi");
    if (max.compareTo(sizeBytes) < 0
        || max.compareTo(Quantity.getAmountInBytes(new Quantity(VolumeSpec.MAX_SIZE))) > 0) {
      throw new InvalidSpecException(field + ".maxSize: '" + spec.getMaxSize() + "' must be at least the volume's size and at most "
          + VolumeSpec.MAX_SIZE);
    }
    int threshold = spec.getThresholdPercent() == null ? AutoGrowSpec.DEFAULT_THRESHOLD_PERCENT : spec.getThresholdPercent();
    int increment = spec.getIncrementPercent() == null ? AutoGrowSpec.DEFAULT_INCREMENT_PERCENT : spec.getIncrementPercent();
    if (threshold < 50 || threshold > 95 || increment < 5 || increment > 100) {
      throw new InvalidSpecException(field + ": thresholdPercent must be 50 to 95 and incrementPercent 5 to 100");
    }
    return new AutoGrow(true, threshold, increment, spec.getMaxSize(), max.longValueExact());
  }

  /** The schema only says int-or-string; the API server would refuse the StatefulSet on every reconcile. */
  private static ResourceRequirements checkResources(ResourceRequirements resources, String field) {
    if (resources != null) {
      Map<String, Quantity> requests = Optional.ofNullable(resources.getRequests()).orElse(Map.of());
      Map<String, Quantity> limits = Optional.ofNullable(resources.getLimits()).orElse(Map.of());
      requests.forEach((name, q) -> checkQuantity(field + ".requests." + name, q, "500m or 2Gi"));
      limits.forEach((name, q) -> checkQuantity(field + ".limits." + name, q, "500m or 2Gi"));
      requests.forEach((name, request) -> {
        Quantity limit = limits.get(name);
        if (limit != null && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) > 0) {
          throw new InvalidSpecException(field + ".requests." + name + " (" + request + ") is more than its limit ("
              + limit + ")");
        }
      });
    }
    return resources;
  }

  /** The API server stores at most 2^63-1 of the unit; anything above is silently clamped. */
  private static final BigDecimal MAX_QUANTITY = BigDecimal.valueOf(Long.MAX_VALUE);

  private static BigDecimal checkQuantity(String field, Quantity quantity, String example) {
    BigDecimal amount;
    try {
      amount = quantity == null ? null : Quantity.getAmountInBytes(quantity);
    } catch (IllegalArgumentException | ArithmeticException e) {
      amount = null;
    }
    if (amount == null || amount.signum() < 0) {
      throw new InvalidSpecException(field + ": '" + quantity + "' is not a quantity such as " + example);
    }
    if (amount.compareTo(MAX_QUANTITY) > 0) {
      throw new InvalidSpecException(field + ": '" + quantity + "' is larger than Kubernetes can store");
    }
    return amount;
  }

  private static Pooler pooler(PoolerSpec spec, ProfileDefaults defaults) {
    PoolerSpec p = spec == null ? new PoolerSpec() : spec;
    Map<String, String> parameters = new TreeMap<>();
    if (p.getParameters() != null) {
      p.getParameters().forEach((k, v) -> {
        OwnedParameters.checkPooler(k);
        String name = k.toLowerCase(java.util.Locale.ROOT);
        // pgBouncer reads the value up to the end of the line, surrounding blanks dropped.
        parameters.put(name, ParameterValues.check("spec.pooler.parameters." + name, v).strip());
      });
    }
    return new Pooler(
        Optional.ofNullable(p.getEnabled()).orElse(defaults.poolerEnabled()),
        Optional.ofNullable(p.getInstances()).orElse(defaults.poolerInstances()),
        Optional.ofNullable(p.getImage()).orElse(DEFAULT_POOLER_IMAGE),
        Optional.ofNullable(p.getPoolMode()).orElse("transaction"),
        Optional.ofNullable(p.getMaxClientConn()).orElse(100),
        Optional.ofNullable(p.getDefaultPoolSize()).orElse(20),
        Optional.ofNullable(p.getReservePoolSize()).orElse(5),
        Map.copyOf(parameters),
        Optional.ofNullable(checkResources(p.getResources(), "spec.pooler.resources"))
            .orElseGet(() -> resources("100m", "64Mi", "256Mi")));
  }

  /** The guide's weekly maintenance: Sunday 04:00. */
  public static final String WEEKLY_VACUUM_ANALYZE = "0 4 * * 0";

  private static Monitoring monitoring(TradingDatabaseSpec spec, Profile profile) {
    var m = spec.getMonitoring();
    AlertThresholds a = m == null || m.getAlerts() == null ? new AlertThresholds() : m.getAlerts();
    return new Monitoring(
        m == null || !Boolean.FALSE.equals(m.getEnabled()),
        m != null && m.getExporterImage() != null ? m.getExporterImage() : DEFAULT_EXPORTER_IMAGE,
        m != null && m.getExporterResources() != null
            ? checkResources(m.getExporterResources(), "spec.monitoring.exporterResources")
            : resources("50m", "64Mi", "128Mi"),
        Optional.ofNullable(a.getConnectionsPercent()).orElse(80),
        a.getDatabaseSize() == null ? 50.0
            : checkQuantity(ALERTS + "databaseSize", new Quantity(a.getDatabaseSize()), "50Gi").doubleValue() / GIB,
        Optional.ofNullable(a.getCacheHitRatioPercent()).orElse(99) / 100.0,
        seconds(ALERTS + "replicationLag", a.getReplicationLag(), 30),
        seconds(ALERTS + "poolerWait", a.getPoolerWait(), 5),
        Durations.describe(Durations.field("spec.monitoring.healthCheckInterval",
            m == null ? null : m.getHealthCheckInterval(), Duration.ofMinutes(5), Duration.ofSeconds(10), null)),
        vacuumAnalyzeSchedule(m, profile),
        Optional.ofNullable(m == null ? null : m.getAlerting())
            .filter(alerting -> !Boolean.FALSE.equals(alerting.getEnabled())).map(ClusterModel::alerting),
        new Checks(
            Optional.ofNullable(a.getDiskUsagePercent()).orElse(80),
            Optional.ofNullable(a.getDiskUsageCriticalPercent()).orElse(90),
            seconds(ALERTS + "lockWait", a.getLockWait(), 30),
            seconds(ALERTS + "longRunningQuery", a.getLongRunningQuery(), 300),
            seconds(ALERTS + "idleInTransaction", a.getIdleInTransaction(), 60),
            Optional.ofNullable(a.getTransactionIdAge()).orElse(1_000_000_000L),
            Optional.ofNullable(a.getDeadTuples()).orElse(100_000L),
            Optional.ofNullable(a.getDeadlocks()).orElse(1),
            checkQuantity("spec.monitoring.alerts.tempFileBytes",
                new Quantity(Optional.ofNullable(a.getTempFileBytes()).orElse("10Gi")), "10Gi").longValue(),
            errorWindow(a.getErrorWindow())));
  }

  private static String errorWindow(String window) {
    String text = Optional.ofNullable(window).orElse("1h");
    try {
      if (Durations.parse(text).isZero()) {
        throw new IllegalArgumentException("zero");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(
          "spec.monitoring.alerts.errorWindow: '" + text + "' is not a duration such as 1h or 1d");
    }
    return text;
  }

  private static final String ALERTS = "spec.monitoring.alerts.";
  private static final double GIB = 1024.0 * 1024 * 1024;

  /** An alert threshold in whole seconds, as the rules compare them. */
  private static int seconds(String field, String text, int defaultSeconds) {
    return (int) Durations.field(field, text, Duration.ofSeconds(defaultSeconds), Duration.ofSeconds(1), Duration.ofDays(365))
        .toSeconds();
  }

  /** Production and staging run the guide's weekly VACUUM ANALYZE unless switched off; development only when asked. */
  private static String vacuumAnalyzeSchedule(io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec m, Profile profile) {
    String schedule = m == null ? null : m.getVacuumAnalyzeSchedule();
    Boolean enabled = m == null ? null : m.getVacuumAnalyzeEnabled();
    boolean on = enabled != null ? enabled : schedule != null || profile != Profile.DEVELOPMENT;
    return on ? Optional.ofNullable(schedule).orElse(WEEKLY_VACUUM_ANALYZE) : null;
  }

  private static Alerting alerting(io.tradingdb.operator.api.v1alpha1.tradingdatabase.AlertingSpec a) {
    if ((a.getSlack() == null) == (a.getWebhook() == null)) {
      throw new InvalidSpecException("spec.monitoring.alerting: set exactly one of slack or webhook");
    }
    return new Alerting(
        Optional.ofNullable(a.getSlack()).map(s -> new Slack(secretKey(s.getWebhookUrlSecretRef()), s.getChannel())),
        Optional.ofNullable(a.getWebhook()).map(w -> secretKey(w.getUrlSecretRef())));
  }

  private static SecretKey secretKey(io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef ref) {
    if (ref == null || ref.getName() == null) {
      throw new InvalidSpecException("spec.monitoring.alerting: the URL's Secret reference needs a name");
    }
    return new SecretKey(ref.getName(), ref.getKey() == null ? "url" : ref.getKey());
  }

  static ResourceRequirements resources(String cpu, String memoryRequest, String memoryLimit) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(cpu))
        .addToRequests("memory", new Quantity(memoryRequest))
        .addToLimits("memory", new Quantity(memoryLimit))
        .build();
  }

  /** Disruption budget only makes sense with replicas to fail over to. */
  public boolean highlyAvailable() {
    return instances > 1;
  }

  /**
   * Where clients reach this cluster: its read-write Service as the superuser. With TLS the
   * certificate Secret carries the CA, so every client can verify the server name.
   */
  public ConnectionTarget connectionTarget() {
    return new ConnectionTarget(
        names.serviceHost(names.readWriteService()),
        ClusterNames.POSTGRES_PORT,
        databaseName,
        tlsEnabled ? SslMode.VERIFY_FULL.libpqName() : SslMode.PREFER.libpqName(),
        superuserSecret,
        "username",
        "password",
        tlsEnabled ? tlsSecret : null,
        tlsEnabled ? PodLayout.CA_CERT : null,
        pooler.enabled() ? names.serviceHost(names.poolerService()) : null,
        pooler.enabled() ? ClusterNames.POOLER_PORT : 0);
  }

  /**
   * Resolves a DbUser's or BackupSchedule's target.
   *
   * @param tradingDatabase the TradingDatabase the target names, or null if it does not exist
   *     (or the target is external)
   * @throws InvalidSpecException when the target names neither or both kinds
   * @throws TargetUnavailableException when the TradingDatabase does not exist (yet)
   */
  public static ConnectionTarget connectionTarget(DatabaseTarget target, TradingDatabase tradingDatabase) {
    if (target == null || (target.getTradingDatabase() == null) == (target.getExternal() == null)) {
      throw new InvalidSpecException("spec.target: set exactly one of tradingDatabase or external");
    }
    if (target.getExternal() != null) {
      return ConnectionTarget.external(target.getExternal());
    }
    if (tradingDatabase == null) {
      throw new TargetUnavailableException(
          "TradingDatabase '" + target.getTradingDatabase().getName() + "' does not exist");
    }
    return from(tradingDatabase).connectionTarget();
  }

  /** The name of the TradingDatabase a target points at, or null for an external target. */
  public static String tradingDatabaseName(DatabaseTarget target) {
    return target == null || target.getTradingDatabase() == null ? null : target.getTradingDatabase().getName();
  }
}
