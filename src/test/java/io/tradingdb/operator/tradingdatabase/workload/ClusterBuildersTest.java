package io.tradingdb.operator.tradingdatabase.workload;

import io.tradingdb.operator.tradingdatabase.PgBackRestSamples;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Golden;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure builders, spec in and objects out, compared with readable golden YAML. */
class ClusterBuildersTest {

  @Test
  void developmentProfileIsOneInstanceWithoutDisruptionBudget() {
    TradingDatabase db = Samples.tradingDatabase("trading", "dev");
    ClusterModel model = ClusterModel.from(db);
    assertThat(model.highlyAvailable()).isFalse();
    Golden.assertMatches("tradingdatabase/development.yaml", objects(db, model));
  }

  @Test
  void productionProfileHasThreeInstancesWalVolumeAntiAffinityAndBudget() {
    TradingDatabase db = Samples.tradingDatabase("trading", "prod");
    db.getSpec().setProfile(Profile.PRODUCTION);
    ClusterModel model = ClusterModel.from(db);
    assertThat(model.instances()).isEqualTo(3);
    assertThat(model.wal()).isPresent();
    List<HasMetadata> objects = objects(db, model);
    objects.add(DisruptionBudgets.postgres(model));
    Golden.assertMatches("tradingdatabase/production.yaml", objects);
  }

  /**
   * Patroni lists its members by the configured labels plus its scope label; a pod without one of
   * them is invisible to the others, and a replica then has no leader address to clone from.
   */
  @Test
  void thePodsCarryEveryLabelPatroniSelectsItsMembersBy() {
    TradingDatabase db = Samples.tradingDatabase("trading", "prod");
    db.getSpec().setProfile(Profile.PRODUCTION);
    ClusterModel model = ClusterModel.from(db);
    @SuppressWarnings("unchecked")
    Map<String, Object> kubernetes = (Map<String, Object>) PatroniConfigMap.document(model).get("kubernetes");
    Map<String, String> selector = new java.util.HashMap<>((Map<String, String>) kubernetes.get("labels"));
    selector.put((String) kubernetes.get("scope_label"), (String) PatroniConfigMap.document(model).get("scope"));

    Map<String, String> podLabels = ClusterStatefulSet.build(model, "x", Map.of()).getSpec().getTemplate()
        .getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(selector);
  }

  /**
   * WAL archiving: archive settings, the pgBackRest file and restore_command in Patroni's
   * ConfigMap, the TLS server sidecar, S3 keys by reference only; and a point-in-time bootstrap.
   */
  @Test
  void pgBackRestArchivesWalAndRunsATlsServerBesideEachInstance() {
    TradingDatabase db = Samples.tradingDatabase("trading", "market-restored");
    db.getSpec().setInstances(2);
    db.getSpec().setPgBackRest(PgBackRestSamples.repository());
    db.getSpec().setBootstrap(PgBackRestSamples.pointInTime("market", "2026-11-26T03:00:00+01:00"));
    ClusterModel model = ClusterModel.from(db);
    StatefulSet sts = ClusterStatefulSet.build(model, "x", Map.of());
    var containers = sts.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(c -> c.getName()).containsExactly("postgres", "metrics-exporter", "pgbackrest");
    assertThat(containers.get(2).getCommand()).containsExactly("pgbackrest", "server");
    // Each container that runs pgBackRest mounts the file its PGBACKREST_CONFIG names (the sidecar
    // once did not, and exited at start on the real node).
    for (var container : List.of(containers.get(0), containers.get(2))) {
      String config = container.getEnv().stream().filter(e -> e.getName().equals("PGBACKREST_CONFIG")).findFirst()
          .orElseThrow().getValue();
      assertThat(container.getVolumeMounts()).as(container.getName())
          .anyMatch(m -> config.startsWith(m.getMountPath() + "/") && sts.getSpec().getTemplate().getSpec().getVolumes().stream()
              .anyMatch(v -> v.getName().equals(m.getName()) && (v.getConfigMap() != null || v.getProjected() != null)));
    }
    assertThat(containers.get(2).getVolumeMounts()).extracting(m -> m.getName()).doesNotContain("patroni-config");
    var s3Keys = containers.stream().flatMap(c -> c.getEnv().stream()).filter(e -> e.getName().contains("S3_KEY")).toList();
    assertThat(s3Keys).isNotEmpty().allSatisfy(e -> {
      assertThat(e.getValue()).isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("minio-credentials");
    });
    assertThat(PatroniConfigMap.postgresParameters(model))
        .containsEntry("archive_mode", "on")
        .containsEntry("archive_command", "pgbackrest --stanza=market-restored archive-push %p")
        .containsEntry("archive_timeout", "60");
    assertThat(PatroniConfigMap.recoveryTargetTime("2026-11-26T03:00:00+01:00")).isEqualTo("2026-11-26 03:00:00.000000+01:00");
    Golden.assertMatches("tradingdatabase/pgbackrest.yaml", objects(db, model));
  }

  /**
   * An S3 endpoint with a private CA (a MinIO in the cluster): the repository's and the bootstrap
   * source's CA keys are mounted, each alone and as ca.crt, in every container that runs pgBackRest,
   * at the paths the generated pgbackrest files name.
   */
  @Test
  void aPrivateS3CaIsMountedWherePgBackRestLooksForIt() {
    TradingDatabase db = Samples.tradingDatabase("trading", "market-restored");
    db.getSpec().setPgBackRest(PgBackRestSamples.repository());
    db.getSpec().getPgBackRest().getRepository().getS3().setCaSecretRef(
        new io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef("minio-ca", null));
    var source = PgBackRestSamples.s3();
    source.getS3().setCaSecretRef(new io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef("old-minio", "bundle.pem"));
    db.getSpec().setBootstrap(PgBackRestSamples.pointInTime("market", null, source));
    ClusterModel model = ClusterModel.from(db);
    var data = PatroniConfigMap.configMap(model).getData();
    assertThat(data.get(PatroniConfigMap.PGBACKREST_FILE)).contains("repo1-storage-ca-file=/etc/tradingdb/s3-ca/repository/ca.crt");
    assertThat(data.values()).anyMatch(v -> v.contains("repo1-storage-ca-file=/etc/tradingdb/s3-ca/source/ca.crt"));

    var pod = ClusterStatefulSet.build(model, "x", Map.of()).getSpec().getTemplate().getSpec();
    var volumes = pod.getVolumes().stream().collect(java.util.stream.Collectors.toMap(v -> v.getName(), v -> v));
    for (var container : pod.getContainers().stream().filter(c -> !c.getName().equals("metrics-exporter")).toList()) {
      Map<String, String> mounted = new java.util.HashMap<>();
      container.getVolumeMounts().stream().filter(m -> m.getMountPath().startsWith("/etc/tradingdb/s3-ca/"))
          .forEach(m -> {
            var secret = volumes.get(m.getName()).getSecret();
            assertThat(secret.getItems()).singleElement().satisfies(i -> assertThat(i.getPath()).isEqualTo("ca.crt"));
            assertThat(m.getReadOnly()).isTrue();
            mounted.put(m.getMountPath(), secret.getSecretName() + "/" + secret.getItems().get(0).getKey());
          });
      assertThat(mounted).as(container.getName()).isEqualTo(Map.of(
          "/etc/tradingdb/s3-ca/repository", "minio-ca/ca.crt", "/etc/tradingdb/s3-ca/source", "old-minio/bundle.pem"));
    }
  }

  @Test
  void existingClaimTemplateSizesWinBecauseTheyAreImmutable() {
    TradingDatabase db = Samples.tradingDatabase("trading", "grow");
    db.getSpec().setStorage(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.StorageSpec());
    db.getSpec().getStorage().setData(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeSpec("100Gi", null));
    ClusterModel model = ClusterModel.from(db);
    StatefulSet fresh = ClusterStatefulSet.build(model, "x", Map.of());
    assertThat(fresh.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
        .hasToString("100Gi");
    StatefulSet existing = ClusterStatefulSet.build(model, "x", Map.of("pgdata", "10Gi"));
    assertThat(existing.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
        .hasToString("10Gi");
  }

  @Test
  void parametersDoNotRollThePodsButOtherConfigurationDoes() {
    TradingDatabase db = Samples.tradingDatabase("trading", "conf");
    String before = PatroniConfigMap.rolloutChecksum(ClusterModel.from(db));
    db.getSpec().setPostgresql(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PostgresqlSpec());
    db.getSpec().getPostgresql().setParameters(Map.of("work_mem", "64MB"));
    // Parameters reach running clusters through Patroni's REST API (PATCH /config), without new pods.
    assertThat(PatroniConfigMap.rolloutChecksum(ClusterModel.from(db))).isEqualTo(before).hasSize(16);
    assertThat(PatroniConfigMap.checksum(PatroniConfigMap.configMap(ClusterModel.from(db))))
        .isNotEqualTo(PatroniConfigMap.checksum(PatroniConfigMap.configMap(ClusterModel.from(Samples.tradingDatabase("trading", "conf")))));
    db.getSpec().setImage("example.org/other:1");
    db.getSpec().getPostgresql().setExtraSharedPreloadLibraries(List.of("auto_explain"));
    assertThat(PatroniConfigMap.rolloutChecksum(ClusterModel.from(db))).isNotEqualTo(before);
  }

  private static List<HasMetadata> objects(TradingDatabase db, ClusterModel model) {
    var config = PatroniConfigMap.configMap(model);
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(ClusterSecrets.superuser(db, model, "<generated>"));
    objects.add(ClusterSecrets.replication(db, model, "<generated>", "<generated>"));
    objects.add(config);
    objects.add(ClusterServices.headless(model));
    objects.add(ClusterServices.readWrite(model));
    objects.add(ClusterServices.readOnly(model));
    objects.add(PatroniRbac.serviceAccount(model));
    objects.add(PatroniRbac.role(model));
    objects.add(PatroniRbac.roleBinding(model));
    objects.add(ClusterStatefulSet.build(model, PatroniConfigMap.rolloutChecksum(model), Map.of()));
    return objects;
  }
}
