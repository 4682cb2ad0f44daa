package io.tradingdb.operator.backup;

import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.tradingdb.operator.pgbackrest.RepositoryStorage;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopySpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupMethod;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.common.StoragePaths;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupScheduleSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.CompressionAlgorithm;
import io.tradingdb.operator.api.v1alpha1.backupschedule.DumpFormat;
import io.tradingdb.operator.api.v1alpha1.backupschedule.DumpScope;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgBackRestSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.PgDumpSpec;
import io.tradingdb.operator.api.v1alpha1.common.SchedulingSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.api.v1alpha1.backupschedule.RetentionSpec;
import io.tradingdb.operator.api.v1alpha1.backupschedule.VerificationSpec;
import io.tradingdb.operator.kube.Durations;
import io.tradingdb.operator.postgres.BackupSql;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/** A BackupSchedule with every default resolved; the builders read only this. */
public record BackupModel(
    String name,
    String namespace,
    BackupNames names,
    ConnectionTarget target,
    BackupMethod method,
    String schedule,
    String timeZone,
    boolean suspend,
    DumpOptions dump,
    RepositoryStorage storage,
    Retention retention,
    Verification verification,
    long startingDeadlineSeconds,
    int successfulJobsHistoryLimit,
    int failedJobsHistoryLimit,
    int backoffLimit,
    long activeDeadlineSeconds,
    String image,
    ResourceRequirements resources,
    Duration staleAfter,
    PgBackRestJobs pgBackRest,
    List<Copy> copies,
    SchedulingSpec scheduling) {

  /** A PostgreSQL client image with the AWS CLI added; see docs/backup.md for its Dockerfile. */
  public static final String DEFAULT_IMAGE = "ghcr.io/tradingdb/backup-tools:pg16";
  public static final String DEFAULT_VERIFICATION_SCHEDULE = "0 5 1 * *";

  public record DumpOptions(
      DumpFormat format, DumpScope scope, CompressionAlgorithm compression, int level, int jobs,
      BackupSql.Selection selection) {}

  /** Null fields mean "no limit of this kind". */
  public record Retention(Long maxAgeSeconds, Integer maxCount) {}

  /**
   * What the pgBackRest Jobs need from the target cluster ({@code null} for pg_dump): the stanza
   * (the cluster's name), its repository, each instance's host, the TLS Secret with the client
   * certificate, and a schedule per backup type (differential and incremental may be null).
   */
  public record PgBackRestJobs(
      String stanza, PgBackRestConf.Repository repository, PgBackRestConf.Retention retention,
      List<String> hosts, String tlsSecret, String fullSchedule, String differentialSchedule,
      String incrementalSchedule) {

    /** Backup type to cron schedule, full first; types without a schedule are left out. */
    public java.util.Map<String, String> schedules() {
      java.util.Map<String, String> schedules = new java.util.LinkedHashMap<>();
      schedules.put("full", fullSchedule);
      if (differentialSchedule != null) {
        schedules.put("diff", differentialSchedule);
      }
      if (incrementalSchedule != null) {
        schedules.put("incr", incrementalSchedule);
      }
      return schedules;
    }
  }

  /**
   * An enabled spec.copies destination: exactly one of s3 (a bucket, credentials by Secret name) or
   * rclone (a remote of a configuration file in a Secret key) is non-null.
   */
  public record Copy(String name, RepositoryStorage.S3 s3, Rclone rclone) {}

  public record Rclone(String configSecret, String configKey, String remote, String path) {}

  /** The default key of an rclone copy's configuration Secret. */
  public static final String RCLONE_CONFIG_KEY = "rclone.conf";

  public record Verification(
      boolean enabled, String schedule, List<String> expectedTables, String scratchDatabase) {}

  /** A pg_dump schedule's model; method pgBackRest needs the cluster, see the other overload. */
  public static BackupModel from(BackupSchedule schedule, ConnectionTarget target) {
    return from(schedule, target, null);
  }

  /** {@code cluster} is the target TradingDatabase (null for an external target). */
  public static BackupModel from(BackupSchedule schedule, ConnectionTarget target, TradingDatabase cluster) {
    BackupScheduleSpec spec = schedule.getSpec();
    String name = schedule.getMetadata().getName();
    String namespace = schedule.getMetadata().getNamespace();
    BackupMethod method = spec.getMethod() == null ? BackupMethod.PG_DUMP : spec.getMethod();
    int maxName = BackupNames.MAX_CRONJOB_NAME - (method == BackupMethod.PG_BACKREST ? BackupNames.TYPE_SUFFIX : 0);
    if (name.length() > maxName) {
      throw new InvalidSpecException(
          "metadata.name may be at most " + maxName
              + " characters: Kubernetes adds 11 to a CronJob's name for its Jobs"
              + (method == BackupMethod.PG_BACKREST ? ", and pgBackRest's CronJobs add -diff and -incr" : ""));
    }
    Retention retention = retention(spec.getRetention());
    if (method == BackupMethod.PG_BACKREST && spec.getCopies() != null && !spec.getCopies().isEmpty()) {
      throw new InvalidSpecException("spec.copies needs method pgDump (pgBackRest keeps its own repositories)");
    }
    RepositoryStorage storage;
    PgBackRestJobs pgBackRest = null;
    String defaultImage = DEFAULT_IMAGE;
    if (method == BackupMethod.PG_BACKREST) {
      ClusterModel clusterModel = pgBackRestCluster(cluster);
      storage = clusterModel.pgBackRest().get().storage();
      PgBackRestSpec pgbr = spec.getPgBackRest() == null ? new PgBackRestSpec() : spec.getPgBackRest();
      List<String> hosts = new java.util.ArrayList<>();
      for (int i = 0; i < clusterModel.instances(); i++) {
        hosts.add(clusterModel.names().podHost(i));
      }
      pgBackRest = new PgBackRestJobs(
          clusterModel.names().cluster(), clusterModel.pgBackRest().get().repository(),
          PgBackRestConf.Retention.of(retention.maxAgeSeconds(), retention.maxCount()), List.copyOf(hosts), clusterModel.names().pgBackRestTlsSecret(),
          pgbr.getFullSchedule() == null ? spec.getSchedule() : pgbr.getFullSchedule(),
          pgbr.getDifferentialSchedule(), pgbr.getIncrementalSchedule());
      defaultImage = clusterModel.image();
    } else {
      storage = RepositoryStorage.from(spec.getStorage(), namespace + "/" + name, name);
    }
    return new BackupModel(
        name,
        namespace,
        new BackupNames(name),
        target,
        method,
        spec.getSchedule(),
        timeZone(spec.getTimeZone()),
        Boolean.TRUE.equals(spec.getSuspend()),
        dumpOptions(spec.getPgDump()),
        storage,
        retention,
        verification(spec.getVerification(), target.database()),
        Durations.field("spec.startingDeadline", spec.getStartingDeadline(), Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofDays(1)).toSeconds(),
        orDefault(spec.getSuccessfulJobsHistoryLimit(), 3),
        orDefault(spec.getFailedJobsHistoryLimit(), 3),
        orDefault(spec.getBackoffLimit(), 1),
        Durations.field("spec.activeDeadline", spec.getActiveDeadline(), Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(7)).toSeconds(),
        spec.getImage() == null ? defaultImage : spec.getImage(),
        spec.getResources() == null ? defaultResources() : spec.getResources(),
        Durations.field("spec.staleAfter", spec.getStaleAfter(), Duration.ofHours(1), Duration.ofMinutes(1), null),
        pgBackRest,
        copies(spec.getCopies(), namespace + "/" + name),
        spec.getScheduling());
  }

  private static List<Copy> copies(List<BackupCopySpec> specs, String defaultPrefix) {
    if (specs == null) {
      return List.of();
    }
    List<Copy> copies = new java.util.ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (BackupCopySpec c : specs) {
      if (!names.add(c.getName())) {
        throw new InvalidSpecException("spec.copies names '" + c.getName() + "' twice");
      }
      if ((c.getS3() == null) == (c.getRclone() == null)) {
        throw new InvalidSpecException("spec.copies '" + c.getName() + "' needs exactly one of s3 or rclone");
      }
      if (Boolean.FALSE.equals(c.getEnabled())) {
        continue;
      }
      if (c.getS3() != null) {
        BackupStorageSpec storage = new BackupStorageSpec();
        storage.setS3(c.getS3());
        copies.add(new Copy(c.getName(), RepositoryStorage.from(storage, defaultPrefix, null).s3(), null));
      } else {
        BackupCopySpec.RcloneDestination r = c.getRclone();
        String problem = StoragePaths.problem("spec.copies." + c.getName() + ".rclone.path", r.getPath());
        if (problem != null) {
          throw new InvalidSpecException(problem);
        }
        copies.add(new Copy(c.getName(), null, new Rclone(r.getConfigSecretRef().getName(),
            r.getConfigSecretRef().getKey() == null ? RCLONE_CONFIG_KEY : r.getConfigSecretRef().getKey(),
            r.getRemote(), r.getPath())));
      }
    }
    return List.copyOf(copies);
  }

  /** The enabled copy of this name, or an InvalidSpecException naming the ones there are. */
  public Copy copy(String copyName) {
    return copies.stream().filter(c -> c.name().equals(copyName)).findFirst().orElseThrow(() ->
        new InvalidSpecException("no enabled copy '" + copyName + "' in spec.copies"));
  }

  private static ClusterModel pgBackRestCluster(TradingDatabase cluster) {
    if (cluster == null) {
      throw new InvalidSpecException("method pgBackRest needs a tradingDatabase target");
    }
    ClusterModel clusterModel;
    try {
      clusterModel = ClusterModel.from(cluster);
    } catch (InvalidSpecException e) {
      throw new InvalidSpecException("TradingDatabase " + cluster.getMetadata().getName() + " is invalid: " + e.getMessage());
    }
    if (clusterModel.pgBackRest().isEmpty()) {
      throw new InvalidSpecException("TradingDatabase " + cluster.getMetadata().getName()
          + " has no spec.pgBackRest.repository: set it to archive WAL there and take pgBackRest backups");
    }
    return clusterModel;
  }

  /** Region ids only: the CronJob's time zone is read by Go's time.LoadLocation, which knows no offsets like +01:00. */
  private static String timeZone(String configured) {
    if (configured == null) {
      return "Etc/UTC";
    }
    if (!ZoneId.getAvailableZoneIds().contains(configured)) {
      throw new InvalidSpecException("spec.timeZone '" + configured + "' is not an IANA time zone such as Europe/London");
    }
    return configured;
  }

  private static DumpOptions dumpOptions(PgDumpSpec spec) {
    PgDumpSpec s = spec == null ? new PgDumpSpec() : spec;
    CompressionAlgorithm algorithm =
        s.getCompression() == null || s.getCompression().getAlgorithm() == null
            ? CompressionAlgorithm.GZIP
            : s.getCompression().getAlgorithm();
    Integer level = s.getCompression() == null ? null : s.getCompression().getLevel();
    if (level != null && (level < algorithm.minLevel() || level > algorithm.maxLevel())) {
      throw new InvalidSpecException(
          "pgDump.compression.level " + level + " is outside " + algorithm.minLevel() + "-"
              + algorithm.maxLevel() + " for " + algorithm.value());
    }
    int resolvedLevel = level != null ? level : switch (algorithm) {
      case GZIP -> 6;
      case ZSTD -> 3;
      case LZ4 -> 1;
      case NONE -> 0;
    };
    DumpFormat format = s.getFormat() == null ? DumpFormat.CUSTOM : s.getFormat();
    int jobs = s.getJobs() == null ? 1 : s.getJobs();
    if (jobs > 1 && format != DumpFormat.DIRECTORY) {
      throw new InvalidSpecException("pgDump.jobs greater than 1 needs pgDump.format 'directory'");
    }
    return new DumpOptions(
        format,
        s.getScope() == null ? DumpScope.FULL : s.getScope(),
        algorithm,
        resolvedLevel,
        jobs,
        new BackupSql.Selection(s.getSchemas(), s.getExcludeSchemas(), s.getTables(), s.getExcludeTables()));
  }

  private static Retention retention(RetentionSpec spec) {
    if (spec == null || (spec.getMaxAge() == null && spec.getMaxCount() == null)) {
      return new Retention(Duration.ofDays(7).toSeconds(), null);
    }
    return new Retention(
        spec.getMaxAge() == null ? null
            : Durations.field("spec.retention.maxAge", spec.getMaxAge(), null, Duration.ofHours(1), null).toSeconds(), spec.getMaxCount());
  }

  private static Verification verification(VerificationSpec spec, String database) {
    boolean enabled = spec != null && Boolean.TRUE.equals(spec.getEnabled());
    return new Verification(
        enabled,
        spec == null || spec.getSchedule() == null ? DEFAULT_VERIFICATION_SCHEDULE : spec.getSchedule(),
        spec == null || spec.getExpectedTables() == null ? List.of() : List.copyOf(spec.getExpectedTables()),
        BackupNames.scratchDatabase(database));
  }

  private static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("1Gi"))
        .build();
  }

  private static <T> T orDefault(T value, T fallback) {
    return Objects.requireNonNullElse(value, fallback);
  }
}
