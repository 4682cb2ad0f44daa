package io.tradingdb.operator.backup;

import io.tradingdb.operator.tradingdatabase.model.PodLayout;
import io.tradingdb.operator.pgbackrest.PgBackRestConf;
import io.tradingdb.operator.pgbackrest.RepositoryStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.postgres.ConnectionTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure builders of the backup's Kubernetes objects: the scripts ConfigMap, the backup and restore
 * test CronJobs, and one-off Jobs. Pods run with the restricted pod security profile.
 */
public final class BackupWorkloads {

  public static final String KIND_NAME = "backupschedule";
  public static final String COMPONENT = "backup";
  /** Label on every Job and pod saying what it runs: backup or verification. */
  public static final String JOB_KIND_LABEL = "tradingdb.io/backup-job";
  public static final String JOB_KIND_BACKUP = "backup";
  public static final String JOB_KIND_VERIFICATION = "verification";
  public static final String JOB_KIND_RESTORE = "restore";

  static final String SCRIPTS_DIR = "/opt/tradingdb/backup";
  static final String SCRATCH_DIR = "/scratch";
  static final String STORAGE_MOUNT = "/backup-storage";
  static final String CA_DIR = "/etc/tradingdb/ca";
  static final String PGBACKREST_TLS_DIR = "/etc/tradingdb/pgbackrest-tls";
  static final String PGBACKREST_WORK = "/tmp/pgbackrest";
  /** On pgBackRest Job pods: the cluster whose pgBackRest servers they may reach. */
  public static final String PGBACKREST_CLIENT_LABEL = "tradingdb.io/pgbackrest-client-of";
  /** uid and gid of the postgres user in the Debian-based PostgreSQL images. */
  static final long RUN_AS = 999L;

  private BackupWorkloads() {}

  public static ConfigMap scriptsConfigMap(BackupModel model) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(model, model.names().scriptsConfigMap(), JOB_KIND_BACKUP))
        .withData(BackupScripts.files(model))
        .build();
  }

  /** The backup CronJobs: one for pg_dump; for pgBackRest one per backup type with a schedule. */
  public static List<CronJob> backupCronJobs(BackupModel model) {
    if (model.pgBackRest() == null) {
      return List.of(cronJob(model, model.names().backupCronJob(), model.schedule(), model.suspend(),
          JOB_KIND_BACKUP, BackupScripts.BACKUP, List.of()));
    }
    List<CronJob> cronJobs = new ArrayList<>();
    model.pgBackRest().schedules().forEach((type, schedule) -> cronJobs.add(cronJob(
        model, model.names().pgBackRestCronJob(type), schedule, model.suspend(), JOB_KIND_BACKUP,
        BackupScripts.PGBACKREST_BACKUP, List.of(value("BACKUP_TYPE", type)))));
    return cronJobs;
  }

  /** The Job's pgbackrest.conf: this pod is the repository host; the instances are TLS hosts. */
  static String pgBackRestJobConfig(BackupModel model) {
    BackupModel.PgBackRestJobs pgbr = model.pgBackRest();
    return PgBackRestConf.backupJob(
        pgbr.stanza(), pgbr.repository(), pgbr.retention(), "zst", 2, pgbr.hosts(), PgBackRestConf.SERVER_PORT,
        PodLayout.postgres(),
        new PgBackRestConf.Tls(PGBACKREST_TLS_DIR + "/" + PodLayout.CA_CERT,
            PGBACKREST_TLS_DIR + "/" + PodLayout.CLIENT_CERT, PGBACKREST_TLS_DIR + "/" + PodLayout.CLIENT_KEY),
        PGBACKREST_WORK);
  }

  /** The restore test's CronJob, or null when verification is off (null means "delete"). */
  public static CronJob verifyCronJob(BackupModel model) {
    if (!model.verification().enabled()) {
      return null;
    }
    return cronJob(model, model.names().verifyCronJob(), model.verification().schedule(), model.suspend(),
        JOB_KIND_VERIFICATION, model.pgBackRest() == null ? BackupScripts.VERIFY : BackupScripts.PGBACKREST_VERIFY, List.of());
  }

  /** A backup now, outside the schedule, for a tradingdb.io/backup-now token. */
  public static Job onDemandJob(BackupModel model, String token) {
    return new JobBuilder()
        .withMetadata(metadata(model, model.names().onDemandJob(token), JOB_KIND_BACKUP))
        .withSpec(model.pgBackRest() == null
            ? jobSpec(model, JOB_KIND_BACKUP, BackupScripts.BACKUP, List.of())
            : jobSpec(model, JOB_KIND_BACKUP, BackupScripts.PGBACKREST_BACKUP, List.of(value("BACKUP_TYPE", "full"))))
        .build();
  }

  /**
   * Restores a backup into a database of the target's server: {@code backupName} null means the
   * latest, {@code database} null means the target database itself (then the restore replaces the
   * dumped objects: RESTORE_CLEAN).
   */
  public static Job restoreJob(BackupModel model, String jobName, String backupName, String database) {
    return restoreJob(model, jobName, backupName, database, null);
  }

  /** As above, reading the backup from the spec.copies destination {@code copyName} (null: the storage). */
  public static Job restoreJob(BackupModel model, String jobName, String backupName, String database, String copyName) {
    List<EnvVar> extra = new ArrayList<>();
    if (copyName != null) {
      extra.add(value("RESTORE_FROM_COPY", model.copy(copyName).name()));
    }
    extra.add(value("BACKUP_NAME", backupName == null ? "latest" : backupName));
    if (database != null) {
      extra.add(value("PGDATABASE", database));
    }
    extra.add(value("RESTORE_CLEAN", Boolean.toString(database == null)));
    return new JobBuilder()
        .withMetadata(metadata(model, jobName, JOB_KIND_RESTORE))
        .withSpec(jobSpec(model, JOB_KIND_RESTORE, BackupScripts.RESTORE, extra))
        .build();
  }

  private static CronJob cronJob(
      BackupModel model, String name, String schedule, boolean suspend, String kind, String script,
      List<EnvVar> extraEnv) {
    return new CronJobBuilder()
        .withMetadata(metadata(model, name, kind))
        .withNewSpec()
        .withSchedule(schedule)
        .withTimeZone(model.timeZone())
        .withConcurrencyPolicy("Forbid")
        .withStartingDeadlineSeconds(model.startingDeadlineSeconds())
        .withSuccessfulJobsHistoryLimit(model.successfulJobsHistoryLimit())
        .withFailedJobsHistoryLimit(model.failedJobsHistoryLimit())
        .withSuspend(suspend)
        .withNewJobTemplate()
        .withNewMetadata()
        .withLabels(labels(model, kind))
        .endMetadata()
        .withSpec(jobSpec(model, kind, script, extraEnv))
        .endJobTemplate()
        .endSpec()
        .build();
  }

  private static JobSpec jobSpec(BackupModel model, String kind, String script, List<EnvVar> extraEnv) {
    return new JobSpecBuilder()
        .withBackoffLimit(model.backoffLimit())
        .withActiveDeadlineSeconds(model.activeDeadlineSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(model, kind))
        .endMetadata()
        .withSpec(podSpec(model, script, extraEnv))
        .endTemplate()
        .build();
  }

  private static PodSpec podSpec(BackupModel model, String script, List<EnvVar> extraEnv) {
    PodSpecBuilder pod = new PodSpecBuilder();
    if (model.scheduling() != null) {
      pod.withNodeSelector(model.scheduling().getNodeSelector())
          .withTolerations(model.scheduling().getTolerations())
          .withAffinity(model.scheduling().getAffinity())
          .withPriorityClassName(model.scheduling().getPriorityClassName());
    }
    return pod
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(runAs(model))
        .withRunAsGroup(runAs(model))
        .withFsGroup(runAs(model))
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(model, script, extraEnv))
        .withVolumes(volumes(model))
        .build();
  }

  /** The postgres user of the image: the client image's, or the cluster image's for pgBackRest. */
  private static long runAs(BackupModel model) {
    return model.pgBackRest() == null ? RUN_AS : PodLayout.POSTGRES_UID;
  }

  private static Container container(BackupModel model, String script, List<EnvVar> extraEnv) {
    List<EnvVar> env = new ArrayList<>(model.pgBackRest() == null ? env(model) : pgBackRestEnv(model));
    for (EnvVar var : extraEnv) {
      env.removeIf(existing -> existing.getName().equals(var.getName()));
      env.add(var);
    }
    return new ContainerBuilder()
        .withName(COMPONENT)
        .withImage(model.image())
        .withImagePullPolicy("IfNotPresent")
        .withCommand("bash", SCRIPTS_DIR + "/" + script)
        .withEnv(env)
        .withResources(model.resources())
        .withTerminationMessagePath("/dev/termination-log")
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .withVolumeMounts(volumeMounts(model))
        .build();
  }

  /** Everything the scripts read; see the header of each script. Secrets only by reference. */
  static List<EnvVar> env(BackupModel model) {
    ConnectionTarget target = model.target();
    BackupModel.DumpOptions dump = model.dump();
    List<EnvVar> env = new ArrayList<>();
    env.add(value("PGHOST", target.host()));
    env.add(value("PGPORT", Integer.toString(target.port())));
    env.add(value("PGDATABASE", target.database()));
    env.add(value("PGSSLMODE", target.sslMode()));
    env.add(secret("PGUSER", target.credentialsSecret(), target.usernameKey(), false));
    env.add(secret("PGPASSWORD", target.credentialsSecret(), target.passwordKey(), false));
    if (target.caSecret() != null) {
      env.add(value("PGSSLROOTCERT", CA_DIR + "/" + target.caKey()));
    }
    env.add(value("BACKUP_SCHEDULE", model.name()));
    env.add(value("BACKUP_FORMAT", dump.format().value()));
    env.add(value("BACKUP_SCOPE", dump.scope().value()));
    env.add(value("BACKUP_COMPRESSION", dump.compression().value()));
    if (dump.level() > 0) {
      env.add(value("BACKUP_COMPRESSION_LEVEL", Integer.toString(dump.level())));
    }
    env.add(value("BACKUP_JOBS", Integer.toString(dump.jobs())));
    env.add(value("RESTORE_JOBS", Integer.toString(dump.jobs())));
    if (model.retention().maxAgeSeconds() != null) {
      env.add(value("RETENTION_MAX_AGE_SECONDS", model.retention().maxAgeSeconds().toString()));
    }
    if (model.retention().maxCount() != null) {
      env.add(value("RETENTION_MAX_COUNT", model.retention().maxCount().toString()));
    }
    env.add(value("VERIFY_DATABASE", model.verification().scratchDatabase()));
    RepositoryStorage.S3 s3 = model.storage().s3();
    if (s3 != null) {
      env.add(value("STORAGE_TYPE", "s3"));
      env.add(value("S3_BUCKET", s3.bucket()));
      env.add(value("S3_PREFIX", s3.prefix()));
      if (s3.endpoint() != null) {
        env.add(value("S3_ENDPOINT", s3.endpoint()));
      }
      env.add(value("AWS_REGION", s3.region()));
      env.add(value("S3_FORCE_PATH_STYLE", Boolean.toString(s3.forcePathStyle())));
      env.add(secret("AWS_ACCESS_KEY_ID", s3.credentialsSecret(), "AWS_ACCESS_KEY_ID", false));
      env.add(secret("AWS_SECRET_ACCESS_KEY", s3.credentialsSecret(), "AWS_SECRET_ACCESS_KEY", false));
      env.add(secret("AWS_SESSION_TOKEN", s3.credentialsSecret(), "AWS_SESSION_TOKEN", true));
      if (s3.caSecret() != null) {
        env.add(value("AWS_CA_BUNDLE", s3.caFile(STORAGE_CA_DIR)));
      }
    } else {
      env.add(value("STORAGE_TYPE", "pvc"));
      env.add(value("PVC_PATH", STORAGE_MOUNT + "/" + model.storage().pvc().subPath()));
    }
    env.addAll(copyEnv(model));
    env.add(value("BACKUP_SCRATCH", SCRATCH_DIR));
    env.add(value("BACKUP_SQL_DIR", SCRIPTS_DIR));
    env.add(value("TERMINATION_LOG", "/dev/termination-log"));
    return env;
  }

  /** COPY_COUNT and COPY_<n>_* for each enabled copy, numbered from 1 (see lib.sh copy_setup). */
  static List<EnvVar> copyEnv(BackupModel model) {
    List<EnvVar> env = new ArrayList<>();
    if (model.copies().isEmpty()) {
      return env;
    }
    env.add(value("COPY_COUNT", Integer.toString(model.copies().size())));
    int n = 0;
    for (BackupModel.Copy copy : model.copies()) {
      String p = "COPY_" + (++n) + "_";
      env.add(value(p + "NAME", copy.name()));
      RepositoryStorage.S3 s3 = copy.s3();
      if (s3 != null) {
        env.add(value(p + "TYPE", "s3"));
        env.add(value(p + "S3_BUCKET", s3.bucket()));
        env.add(value(p + "S3_PREFIX", s3.prefix()));
        if (s3.endpoint() != null) {
          env.add(value(p + "S3_ENDPOINT", s3.endpoint()));
        }
        env.add(value(p + "AWS_REGION", s3.region()));
        env.add(value(p + "S3_FORCE_PATH_STYLE", Boolean.toString(s3.forcePathStyle())));
        env.add(secret(p + "AWS_ACCESS_KEY_ID", s3.credentialsSecret(), "AWS_ACCESS_KEY_ID", false));
        env.add(secret(p + "AWS_SECRET_ACCESS_KEY", s3.credentialsSecret(), "AWS_SECRET_ACCESS_KEY", false));
        env.add(secret(p + "AWS_SESSION_TOKEN", s3.credentialsSecret(), "AWS_SESSION_TOKEN", true));
        if (s3.caSecret() != null) {
          env.add(value(p + "CA_FILE", s3.caFile(copyCaDir(n))));
        }
      } else {
        env.add(value(p + "TYPE", "rclone"));
        env.add(value(p + "RCLONE_REMOTE", copy.rclone().remote()));
        env.add(value(p + "RCLONE_PATH", copy.rclone().path()));
        env.add(secret(p + "RCLONE_CONFIG", copy.rclone().configSecret(), copy.rclone().configKey(), false));
      }
    }
    return env;
  }

  /** What the pgBackRest scripts read (see pgbackrest-lib.sh); S3 keys only by reference. */
  static List<EnvVar> pgBackRestEnv(BackupModel model) {
    List<EnvVar> env = new ArrayList<>();
    env.add(value("STANZA", model.pgBackRest().stanza()));
    env.add(value("PGBACKREST_CONFIG", SCRIPTS_DIR + "/" + BackupScripts.PGBACKREST_CONF));
    // Not a PGBACKREST_* name: pgBackRest warns about unknown ones, on stdout, ahead of its JSON.
    env.add(value("TRADINGDB_PGBACKREST_WORK", PGBACKREST_WORK));
    RepositoryStorage.S3 s3 = model.storage().s3();
    if (s3 != null) {
      env.add(secret("PGBACKREST_REPO1_S3_KEY", s3.credentialsSecret(), "AWS_ACCESS_KEY_ID", false));
      env.add(secret("PGBACKREST_REPO1_S3_KEY_SECRET", s3.credentialsSecret(), "AWS_SECRET_ACCESS_KEY", false));
    }
    env.add(value("BACKUP_SCHEDULE", model.name()));
    env.add(value("VERIFY_DATABASE", model.target().database()));
    env.add(value("BACKUP_SCRATCH", SCRATCH_DIR));
    env.add(value("BACKUP_SQL_DIR", SCRIPTS_DIR));
    env.add(value("TERMINATION_LOG", "/dev/termination-log"));
    return env;
  }

  private static List<VolumeMount> volumeMounts(BackupModel model) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName("scripts").withMountPath(SCRIPTS_DIR).withReadOnly(true).build());
    mounts.add(new VolumeMountBuilder().withName("scratch").withMountPath(SCRATCH_DIR).build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    if (model.storage().pvc() != null) {
      mounts.add(new VolumeMountBuilder().withName("storage")
          .withMountPath(model.pgBackRest() == null ? STORAGE_MOUNT : PgBackRestConf.PVC_MOUNT).build());
    }
    if (model.pgBackRest() != null) {
      mounts.add(new VolumeMountBuilder().withName("pgbackrest-tls").withMountPath(PGBACKREST_TLS_DIR).withReadOnly(true).build());
    }
    if (model.target().caSecret() != null) {
      mounts.add(new VolumeMountBuilder().withName("ca").withMountPath(CA_DIR).withReadOnly(true).build());
    }
    storageCas(model).forEach((dir, volume) ->
        mounts.add(new VolumeMountBuilder().withName(volume.getName()).withMountPath(dir).withReadOnly(true).build()));
    return mounts;
  }

  private static List<Volume> volumes(BackupModel model) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("scripts").withNewConfigMap()
        .withName(model.names().scriptsConfigMap()).withDefaultMode(0444).endConfigMap().build());
    // Scratch holds a directory-format dump before upload, so it is as large as the node allows.
    volumes.add(new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(
        new Quantity("64Mi")).endEmptyDir().build());
    if (model.storage().pvc() != null) {
      volumes.add(new VolumeBuilder().withName("storage").withNewPersistentVolumeClaim()
          .withClaimName(model.storage().pvc().claimName()).endPersistentVolumeClaim().build());
    }
    if (model.pgBackRest() != null) {
      // The client certificate only; 0600, group-readable through fsGroup, as pgBackRest accepts.
      volumes.add(new VolumeBuilder().withName("pgbackrest-tls").withNewSecret()
          .withSecretName(model.pgBackRest().tlsSecret()).withDefaultMode(0600)
          .addNewItem().withKey(PodLayout.CA_CERT).withPath(PodLayout.CA_CERT).endItem()
          .addNewItem().withKey(PodLayout.CLIENT_CERT).withPath(PodLayout.CLIENT_CERT).endItem()
          .addNewItem().withKey(PodLayout.CLIENT_KEY).withPath(PodLayout.CLIENT_KEY).endItem()
          .endSecret().build());
    }
    if (model.target().caSecret() != null) {
      // Only the CA certificate: the same Secret may hold the server's private key.
      volumes.add(new VolumeBuilder().withName("ca").withNewSecret()
          .withSecretName(model.target().caSecret()).withDefaultMode(0444)
          .addNewItem().withKey(model.target().caKey()).withPath(model.target().caKey()).endItem()
          .endSecret().build());
    }
    volumes.addAll(storageCas(model).values());
    return volumes;
  }

  /** Where a backup pod reads the CA of its S3 storage (pg_dump). */
  static final String STORAGE_CA_DIR = RepositoryStorage.CA_ROOT + "/storage";

  private static String copyCaDir(int n) {
    return RepositoryStorage.CA_ROOT + "/copy-" + n;
  }

  /**
   * The S3 CAs a backup pod mounts, folder to volume: the storage's (for pgBackRest, the cluster's
   * repository's, where the cluster's pgbackrest.conf expects it) and each S3 copy's.
   */
  private static Map<String, Volume> storageCas(BackupModel model) {
    Map<String, Volume> cas = new LinkedHashMap<>();
    RepositoryStorage.S3 s3 = model.storage().s3();
    if (s3 != null && s3.caSecret() != null) {
      cas.put(model.pgBackRest() == null ? STORAGE_CA_DIR : PgBackRestConf.REPOSITORY_CA_DIR, s3.caVolume("storage-ca"));
    }
    if (model.pgBackRest() == null) {
      int n = 0;
      for (BackupModel.Copy copy : model.copies()) {
        n++;
        if (copy.s3() != null && copy.s3().caSecret() != null) {
          cas.put(copyCaDir(n), copy.s3().caVolume("copy-" + n + "-ca"));
        }
      }
    }
    return cas;
  }

  static Map<String, String> labels(BackupModel model, String kind) {
    Map<String, String> labels = new LinkedHashMap<>(Labels.of(KIND_NAME, model.name(), COMPONENT));
    labels.put(JOB_KIND_LABEL, kind);
    if (model.pgBackRest() != null) {
      // The cluster's NetworkPolicy lets pods with this label reach the pgBackRest servers.
      labels.put(PGBACKREST_CLIENT_LABEL, model.pgBackRest().stanza());
    }
    return labels;
  }

  private static ObjectMeta metadata(BackupModel model, String name, String kind) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(model.namespace())
        .withLabels(labels(model, kind))
        .build();
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secret(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
        .withName(secret).withKey(key).withOptional(optional ? Boolean.TRUE : null)
        .endSecretKeyRef().endValueFrom().build();
  }
}
