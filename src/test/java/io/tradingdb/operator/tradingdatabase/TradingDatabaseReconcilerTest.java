package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.tradingdatabase.workload.ClusterServices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tradingdb.operator.OperatorSettings;
import io.tradingdb.operator.Operators;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.VolumeSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.StorageSpec;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.testsupport.OperatorMetrics;
import io.tradingdb.operator.tradingdatabase.status.ClusterStatus;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.testsupport.Crds;
import io.tradingdb.operator.testsupport.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the fabric8 mock API server (CRUD mode; no server-side apply, so the
 * operator runs with SSA off here; SSA is covered against a real kube-apiserver).
 */
@EnableKubernetesMockClient(crud = true)
class TradingDatabaseReconcilerTest {

  static final String NS = "trading";
  KubernetesClient client;
  Operator operator;
  OperatorMetrics metrics;

  @BeforeEach
  void start() {
    Crds.install(client);
    OperatorSettings config = new OperatorSettings(Set.of(), "tradingdb-system", false, "127.0.0.1", 0, false);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = OperatorMetrics.of(registry);
    operator =
        Operators.create(
            client, config, registry, Clock.systemUTC(), new io.tradingdb.operator.postgres.PostgresConnections(),
            o -> o.withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false));
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void createsEveryDependentWithOwnerReferencesAndLabels() {
    TradingDatabase db = client.resource(Samples.tradingDatabase(NS, "market")).create();

    StatefulSet sts = awaitObject(StatefulSet.class, "market");
    assertThat(awaitObject(Service.class, "market-rw").getSpec().getSelector())
        .containsEntry("role", "primary");
    assertThat(awaitObject(Service.class, "market-ro").getSpec().getSelector())
        .containsEntry("role", "replica");
    assertThat(awaitObject(Service.class, "market-pods").getSpec().getClusterIP()).isEqualTo("None");
    awaitObject(ServiceAccount.class, "market-patroni");
    awaitObject(Role.class, "market-patroni");
    awaitObject(RoleBinding.class, "market-patroni");
    ConfigMap config = awaitObject(ConfigMap.class, "market-patroni");
    assertThat(config.getData().get("patroni.yaml")).contains("scope: market");
    assertThat(config.getData().get("bootstrap.sql")).contains("CREATE DATABASE \"ai_trading\"");

    Secret superuser = awaitObject(Secret.class, "market-superuser");
    String password = decode(superuser, "password");
    assertThat(password).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9]+");
    assertThat(decode(superuser, "username")).isEqualTo("postgres");
    awaitObject(Secret.class, "market-replication");
    Secret tls = awaitObject(Secret.class, "market-tls");
    assertThat(decode(tls, "tls.crt")).startsWith("-----BEGIN CERTIFICATE-----");
    awaitObject(Secret.class, "market-ca");

    assertThat(sts.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> {
          assertThat(o.getUid()).isEqualTo(db.getMetadata().getUid());
          assertThat(o.getController()).isTrue();
        });
    assertThat(sts.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, "tradingdb-operator")
        .containsEntry(Labels.INSTANCE, "market");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    assertThat(sts.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    // One instance: a disruption budget would only block node drains.
    assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("market").get()).isNull();

    // The password is never regenerated, whatever else is reconciled.
    edit(db, d -> d.getSpec().setImage("timescale/timescaledb-ha:pg16.4-ts2.17.2"));
    await().untilAsserted(() -> assertThat(
        client.apps().statefulSets().inNamespace(NS).withName("market").get()
            .getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("timescale/timescaledb-ha:pg16.4-ts2.17.2"));
    assertThat(decode(client.secrets().inNamespace(NS).withName("market-superuser").get(), "password"))
        .isEqualTo(password);
  }

  /**
   * Patroni's logins file is built from the superuser Secret, so it waits for that Secret's node in
   * the workflow. It used to run beside it, and a new cluster's first reconcile could fail reading a
   * Secret still being created (70 failed reconciles in a clean start of 1,000 clusters).
   */
  @Test
  void aBurstOfNewClustersReconcilesWithoutOneFailedReconcile() {
    int clusters = 12;
    for (int i = 0; i < clusters; i++) {
      client.resource(Samples.tradingDatabase(NS, "burst-" + i)).create();
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (int i = 0; i < clusters; i++) {
        assertThat(client.apps().statefulSets().inNamespace(NS).withName("burst-" + i).get()).as("burst-" + i).isNotNull();
        assertThat(client.secrets().inNamespace(NS).withName("burst-" + i + "-patroni-credentials").get()).isNotNull();
      }
      assertThat(metrics.succeeded("TradingDatabase")).isGreaterThanOrEqualTo(clusters);
    });
    assertThat(metrics.failed("TradingDatabase")).as("failed reconciles").isZero();
  }

  /**
   * A superuser Secret of the user's own: nothing is generated in its place, the cluster waits for
   * it with a message that names it, and goes on once it exists.
   */
  @Test
  void aSuperuserSecretOfTheUsersOwnIsWaitedForAndNoneIsGenerated() {
    TradingDatabase db = Samples.tradingDatabase(NS, "own");
    db.getSpec().setSuperuserSecretRef(new io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef("own-admin"));
    client.resource(db).create();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status("own").getConditions())
        .anySatisfy(c -> assertThat(c.getMessage()).contains("own-admin")));
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("own").get()).as("StatefulSet without its Secret").isNull();

    client.secrets().resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("own-admin").withNamespace(NS).endMetadata()
        .addToStringData("username", "postgres").addToStringData("password", io.tradingdb.operator.kube.Passwords.generate()).build()).create();
    awaitObject(StatefulSet.class, "own");
    assertThat(awaitObject(Secret.class, "own-patroni-credentials")).isNotNull();
    assertThat(client.secrets().inNamespace(NS).withName("own-superuser").get()).as("a generated superuser Secret").isNull();
    assertThat(status("own").getSuperuserSecret()).isEqualTo("own-admin");
  }

  @Test
  void scalingToThreeAddsDisruptionBudgetAndAntiAffinityAndBackToOneRemovesThem() {
    TradingDatabase db = client.resource(Samples.tradingDatabase(NS, "scaled")).create();
    awaitObject(StatefulSet.class, "scaled");

    edit(db, d -> d.getSpec().setInstances(3));
    PodDisruptionBudget pdb = awaitObject(PodDisruptionBudget.class, "scaled");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    await().untilAsserted(() -> {
      StatefulSet sts = client.apps().statefulSets().inNamespace(NS).withName("scaled").get();
      assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
      assertThat(sts.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
          .getPreferredDuringSchedulingIgnoredDuringExecution())
          .singleElement()
          .satisfies(t -> assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    });

    edit(client.resources(TradingDatabase.class).inNamespace(NS).withName("scaled").get(),
        d -> d.getSpec().setInstances(1));
    await().untilAsserted(() ->
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("scaled").get()).isNull());
  }

  @Test
  void statusFollowsTheStatefulSetAndThePodPatroniLabelsPrimary() {
    client.resource(Samples.tradingDatabase(NS, "status")).create();
    StatefulSet sts = awaitObject(StatefulSet.class, "status");
    await().untilAsserted(() -> assertThat(status("status").getPhase()).isEqualTo("Creating"));
    assertThat(Conditions.isTrue(status("status").getConditions(), Conditions.PROGRESSING)).isTrue();

    // Play the StatefulSet controller and Patroni: one ready pod labelled primary.
    client.resource(pod("status-0", "primary")).create();
    sts.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1)
        .withObservedGeneration(sts.getMetadata().getGeneration())
        .withCurrentRevision("r1").withUpdateRevision("r1").build());
    client.resource(sts).updateStatus();

    await().untilAsserted(() -> {
      var s = status("status");
      assertThat(s.getPhase()).isEqualTo("Ready");
      assertThat(s.getReadyInstances()).isEqualTo(1);
      assertThat(s.getCurrentPrimary()).isEqualTo("status-0");
      assertThat(s.getEndpoints().getReadWrite()).isEqualTo("status-rw.trading.svc");
      assertThat(s.getEndpoints().getReadOnly()).isEqualTo("status-ro.trading.svc");
      assertThat(s.getSuperuserSecret()).isEqualTo("status-superuser");
      assertThat(s.getImage()).isEqualTo("timescale/timescaledb-ha:pg16");
      assertThat(s.getObservedGeneration()).isEqualTo(1L);
      assertThat(Conditions.isTrue(s.getConditions(), Conditions.READY)).isTrue();
      assertThat(Conditions.isTrue(s.getConditions(), Conditions.DEGRADED)).isFalse();
    });
    await().untilAsserted(() -> assertThat(eventReasons("status")).contains("Creating", "Ready"));

    // Patroni fails over: the label moves; the status follows without the operator electing anyone.
    client.pods().inNamespace(NS).withName("status-0").edit(p -> {
      p.getMetadata().getLabels().put("role", "replica");
      return p;
    });
    await().untilAsserted(() -> {
      var s = status("status");
      assertThat(s.getCurrentPrimary()).isNull();
      assertThat(s.getPhase()).isEqualTo("Degraded");
      assertThat(Conditions.find(s.getConditions(), Conditions.DEGRADED).orElseThrow().getReason())
          .isEqualTo("NoPrimary");
    });
  }

  @Test
  void invalidSpecIsReportedOnceAndNothingIsCreated() {
    TradingDatabase db = Samples.tradingDatabase(NS, "broken");
    db.getSpec().setPostgresql(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PostgresqlSpec());
    db.getSpec().getPostgresql().setParameters(Map.of("listen_addresses", "*"));
    client.resource(db).create();

    await().untilAsserted(() -> {
      var s = status("broken");
      assertThat(s.getPhase()).isEqualTo("Failed");
      assertThat(Conditions.find(s.getConditions(), Conditions.DEGRADED).orElseThrow().getMessage())
          .contains("spec.postgresql.parameters.listen_addresses is refused: the operator owns the listening address");
    });
    // The reconcile that wrote that status has returned, and without an exception: JOSDK retries
    // (and would report again) only after one that threw.
    await().until(() -> metrics.succeeded("TradingDatabase") >= 1);
    assertThat(metrics.failed("TradingDatabase")).as("reconciles that threw").isZero();
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("broken").get()).isNull();
    assertThat(eventReasons("broken")).containsExactly("Failed");
  }

  @Test
  void theRetainPolicyIsTheDefaultAndALargerSizeExpandsClaims() {
    client.resource(new StorageClassBuilder().withNewMetadata().withName("expandable").endMetadata()
        .withProvisioner("example.com/csi").withAllowVolumeExpansion(true).build()).create();
    TradingDatabase db = Samples.tradingDatabase(NS, "grow");
    db.getSpec().setStorage(new StorageSpec());
    db.getSpec().getStorage().setData(new VolumeSpec("10Gi", "expandable"));
    db = client.resource(db).create();
    StatefulSet sts = awaitObject(StatefulSet.class, "grow");
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    // The claim the StatefulSet controller would create from its template.
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("pgdata-grow-0")
        .withNamespace(NS).withLabels(ClusterServices.podSelector(
            io.tradingdb.operator.tradingdatabase.model.ClusterModel.from(db), null))
        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
        .endMetadata().withNewSpec().withStorageClassName("expandable").withNewResources()
        .addToRequests("storage", new Quantity("10Gi")).endResources().endSpec().build()).create();

    edit(db, d -> d.getSpec().getStorage().getData().setSize("20Gi"));
    await().untilAsserted(() -> {
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(NS).withName("pgdata-grow-0").get();
      assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("20Gi"));
    });
    // The template keeps its original size: volumeClaimTemplates are immutable.
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("grow").get().getSpec()
        .getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("10Gi"));
    // That the claims outlive the TradingDatabase needs a garbage collector, which the mock lacks:
    // TradingDatabaseIT.deletionGarbageCollectsDependentsAndKeepsVolumesUnlessAskedOtherwise checks it.
  }

  @Test
  void claimsOfAStorageClassWithoutExpansionAreReportedAsPending() {
    client.resource(new StorageClassBuilder().withNewMetadata().withName("fixed").endMetadata()
        .withProvisioner("example.com/csi").withAllowVolumeExpansion(false).build()).create();
    TradingDatabase db = Samples.tradingDatabase(NS, "fixed");
    db.getSpec().setStorage(new StorageSpec());
    db.getSpec().getStorage().setData(new VolumeSpec("10Gi", "fixed"));
    db = client.resource(db).create();
    awaitObject(StatefulSet.class, "fixed");
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("pgdata-fixed-0")
        .withNamespace(NS).addToLabels(Labels.INSTANCE, "fixed").addToLabels(Labels.NAME, "tradingdatabase")
        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
        .endMetadata().withNewSpec().withStorageClassName("fixed").withNewResources()
        .addToRequests("storage", new Quantity("10Gi")).endResources().endSpec().build()).create();

    edit(db, d -> d.getSpec().getStorage().getData().setSize("30Gi"));
    await().untilAsserted(() -> assertThat(status("fixed").getPendingChanges())
        .singleElement()
        .asString()
        .contains("pgdata-fixed-0")
        .contains("'fixed' does not allow volume expansion"));
  }

  @Test
  void stagingRunsThePoolerAndTurningItOffRemovesIt() {
    TradingDatabase db = Samples.tradingDatabase(NS, "pooled");
    db.getSpec().setProfile(io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile.STAGING);
    client.resource(db).create();
    var deployment = awaitObject(io.fabric8.kubernetes.api.model.apps.Deployment.class, "pooled-pooler");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getName()).isEqualTo("pgbouncer");
    assertThat(awaitObject(Service.class, "pooled-pooler").getSpec().getPorts().get(0).getPort()).isEqualTo(6432);
    assertThat(awaitObject(ConfigMap.class, "pooled-pooler").getData().values())
        .anySatisfy(v -> assertThat(v).contains("pool_mode = transaction").contains("max_client_conn = 100"));
    awaitObject(Secret.class, "pooled-pooler-auth");
    await().untilAsserted(() -> assertThat(status("pooled").getEndpoints()).isNotNull()
        .extracting(e -> e.getPooler()).isEqualTo("pooled-pooler.trading.svc"));
    // The exporter sidecar runs next to PostgreSQL, with its queries ConfigMap and login.
    assertThat(awaitObject(StatefulSet.class, "pooled").getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName()).containsExactly("postgres", "metrics-exporter");
    awaitObject(ConfigMap.class, "pooled-monitoring");
    awaitObject(Secret.class, "pooled-monitoring-auth");

    edit(db, d -> {
      d.getSpec().setPooler(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.PoolerSpec());
      d.getSpec().getPooler().setEnabled(false);
    });
    await().untilAsserted(() -> {
      assertThat(client.apps().deployments().inNamespace(NS).withName("pooled-pooler").get()).isNull();
      assertThat(client.services().inNamespace(NS).withName("pooled-pooler").get()).isNull();
      assertThat(client.configMaps().inNamespace(NS).withName("pooled-pooler").get()).isNull();
    });
  }

  @Test
  void alertRulesAndPodMonitorAreCreatedWhenThePrometheusOperatorIsInstalled() {
    installCrd("monitoring.coreos.com", "PodMonitor");
    installCrd("monitoring.coreos.com", "PrometheusRule");
    client.resource(Samples.tradingDatabase(NS, "watched")).create();
    var rules = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
        .withGroup("monitoring.coreos.com").withVersion("v1").withKind("PrometheusRule")
        .withPlural("prometheusrules").withNamespaced(true).build();
    var rule = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.genericKubernetesResources(rules).inNamespace(NS).withName("watched").get(), r -> r != null);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(rule))
        .contains("TradingDbConnectionsHigh").contains("Connections above 80% of max_connections");

    // Deleted by someone else, the rule comes back from the informer's event, well before the
    // ten-minute periodic reconcile and without any change to the TradingDatabase.
    String firstUid = rule.getMetadata().getUid();
    client.genericKubernetesResources(rules).inNamespace(NS).withName("watched").delete();
    var recreated = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.genericKubernetesResources(rules).inNamespace(NS).withName("watched").get(),
        r -> r != null && !r.getMetadata().getUid().equals(firstUid));
    assertThat(recreated.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("watched"));
  }

  @Test
  void slackAlertingBecomesAnAlertmanagerConfigScopedToTheCluster() {
    installCrd("monitoring.coreos.com", "AlertmanagerConfig", "v1alpha1");
    TradingDatabase db = Samples.tradingDatabase(NS, "paged");
    db.getSpec().setMonitoring(slackAlerting("#trading-alerts"));
    client.resource(db).create();
    var configs = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
        .withGroup("monitoring.coreos.com").withVersion("v1alpha1").withKind("AlertmanagerConfig")
        .withPlural("alertmanagerconfigs").withNamespaced(true).build();
    var config = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.genericKubernetesResources(configs).inNamespace(NS).withName("paged-alerts").get(), c -> c != null);
    String yaml = io.fabric8.kubernetes.client.utils.Serialization.asYaml(config.getAdditionalProperties().get("spec"));
    assertThat(yaml).contains("name: \"tradingdatabase\"", "value: \"paged\"", "name: \"slack-webhook\"",
        "key: \"url\"", "channel: \"#trading-alerts\"", "sendResolved: true");
    assertThat(config.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly("paged");
    await().untilAsserted(() -> assertThat(status("paged").getAlerting())
        .isEqualTo("AlertmanagerConfig paged-alerts routes this cluster's alerts to Slack channel #trading-alerts "
            + "(URL from Secret slack-webhook)"));

    edit(db, d -> d.getSpec().getMonitoring().setAlerting(null));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(client.genericKubernetesResources(configs).inNamespace(NS).withName("paged-alerts").get()).isNull();
      assertThat(status("paged").getAlerting()).isNull();
    });
  }

  @Test
  void withoutTheAlertmanagerConfigCrdTheStatusPointsToThePlainRoute() {
    TradingDatabase db = Samples.tradingDatabase(NS, "unrouted");
    db.getSpec().setMonitoring(slackAlerting(null));
    client.resource(db).create();
    await().untilAsserted(() -> assertThat(status("unrouted").getAlerting())
        .startsWith("the AlertmanagerConfig CRD (monitoring.coreos.com/v1alpha1) is not installed")
        .contains("docs/monitoring.md"));
  }

  private static io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec slackAlerting(String channel) {
    var monitoring = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.MonitoringSpec();
    var alerting = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.AlertingSpec();
    var slack = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.AlertingSpec.Slack();
    slack.setWebhookUrlSecretRef(new io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef("slack-webhook", null));
    slack.setChannel(channel);
    alerting.setSlack(slack);
    monitoring.setAlerting(alerting);
    return monitoring;
  }

  @Test
  void certManagerIssuerRequestsACertificateOrSaysCertManagerIsMissing() {
    TradingDatabase db = Samples.tradingDatabase(NS, "issued");
    db.getSpec().setTls(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec());
    var issuer = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec.IssuerRef();
    issuer.setName("letsencrypt");
    issuer.setKind("ClusterIssuer");
    db.getSpec().getTls().setCertManagerIssuer(issuer);
    client.resource(db).create();
    await().untilAsserted(() -> assertThat(status("issued").getPendingChanges())
        .anySatisfy(p -> assertThat(p).contains("cert-manager is not installed")));
    // The operator's own CA is not used when cert-manager is asked for.
    assertThat(client.secrets().inNamespace(NS).withName("issued-ca").get()).isNull();
  }

  @Test
  void certManagerCertificateCarriesEveryServiceName() {
    installCrd("cert-manager.io", "Certificate");
    TradingDatabase db = Samples.tradingDatabase(NS, "cm");
    db.getSpec().setTls(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec());
    var issuer = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.TlsSpec.IssuerRef();
    issuer.setName("internal-ca");
    db.getSpec().getTls().setCertManagerIssuer(issuer);
    client.resource(db).create();
    var certificates = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
        .withGroup("cert-manager.io").withVersion("v1").withKind("Certificate")
        .withPlural("certificates").withNamespaced(true).build();
    var certificate = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.genericKubernetesResources(certificates).inNamespace(NS).withName("cm-tls").get(), c -> c != null);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(certificate))
        .contains("secretName: \"cm-tls\"").contains("cm-rw.trading.svc").contains("cm-pooler.trading.svc")
        .contains("name: \"internal-ca\"");
    // The Certificate is a dependent of its own, not ordered before or after the StatefulSet.
    assertThat(awaitObject(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, "cm").getSpec().getTemplate().getSpec()
        .getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
            .isEqualTo("cm-tls"));
  }

  @Test
  void startsFromABackupOnceThePrimaryIsUpAndIsReadyOnlyWhenTheRestoreSucceeded() {
    var schedule = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: BackupSchedule
        metadata: {name: nightly, namespace: trading}
        spec:
          target: {tradingDatabase: {name: source}}
          schedule: "0 3 * * *"
          storage: {pvc: {claimName: backups}}
        """, io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule.class);
    client.resource(schedule).create();
    TradingDatabase db = Samples.tradingDatabase(NS, "restored");
    db.getSpec().setBootstrap(new io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec());
    var from = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.BootstrapSpec.FromBackup();
    from.setBackupSchedule("nightly");
    db.getSpec().getBootstrap().setFromBackup(from);
    client.resource(db).create();
    StatefulSet sts = awaitObject(StatefulSet.class, "restored");
    // Nothing is restored before Patroni has a primary.
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName("restored-bootstrap-restore").get()).isNull();

    client.resource(pod("restored-0", "primary")).create();
    sts.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1)
        .withObservedGeneration(sts.getMetadata().getGeneration()).withCurrentRevision("r").withUpdateRevision("r").build());
    client.resource(sts).updateStatus();

    var job = awaitObject(io.fabric8.kubernetes.api.model.batch.v1.Job.class, "restored-bootstrap-restore");
    var env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("PGHOST");
      assertThat(e.getValue()).isEqualTo("restored-rw.trading.svc");
    });
    assertThat(env).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("BACKUP_NAME");
      assertThat(e.getValue()).isEqualTo("latest");
    });
    await().untilAsserted(() -> {
      var s = status("restored");
      assertThat(s.getPhase()).isEqualTo("Restoring");
      assertThat(Conditions.isTrue(s.getConditions(), Conditions.READY)).isFalse();
      assertThat(Conditions.find(s.getConditions(), ClusterStatus.RESTORED)).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("Restoring");
        assertThat(c.getMessage()).isEqualTo("restoring backup latest of BackupSchedule nightly");
      });
    });

    job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withSucceeded(1)
        .withCompletionTime("2026-11-26T22:00:00Z").build());
    client.resource(job).updateStatus();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var s = status("restored");
      assertThat(s.getPhase()).isEqualTo("Ready");
      assertThat(Conditions.find(s.getConditions(), ClusterStatus.RESTORED)).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getMessage()).startsWith("Restored backup latest of BackupSchedule nightly");
      });
    });
  }

  @Test
  void networkPoliciesGuardPostgresqlAndThePoolerWhenAskedFor() {
    TradingDatabase db = Samples.tradingDatabase(NS, "fenced");
    db.getSpec().setProfile(io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile.STAGING);
    var policy = new io.tradingdb.operator.api.v1alpha1.tradingdatabase.NetworkPolicySpec();
    policy.setEnabled(true);
    db.getSpec().setNetworkPolicy(policy);
    client.resource(db).create();
    var postgres = awaitObject(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "fenced");
    var pooler = awaitObject(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "fenced-pooler");
    assertThat(postgres.getSpec().getPodSelector().getMatchLabels()).containsEntry(Labels.COMPONENT, "postgresql");
    assertThat(pooler.getSpec().getPodSelector().getMatchLabels()).containsEntry(Labels.COMPONENT, "pooler");
  }

  private void installCrd(String group, String kind) {
    installCrd(group, kind, "v1");
  }

  private void installCrd(String group, String kind, String version) {
    String plural = kind.toLowerCase() + "s";
    client.apiextensions().v1().customResourceDefinitions().resource(
        new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
            .withNewMetadata().withName(plural + "." + group).endMetadata()
            .withNewSpec().withGroup(group).withScope("Namespaced")
            .withNewNames().withKind(kind).withPlural(plural).endNames()
            .addNewVersion().withName(version).withServed(true).withStorage(true)
            .withNewSchema().withNewOpenAPIV3Schema().withType("object")
            .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion()
            .endSpec()
            // what the API server reports once it serves the kind; the operator waits for it
            .withNewStatus().addNewCondition().withType("Established").withStatus("True").endCondition().endStatus()
            .build()).create();
  }

  private Pod pod(String name, String role) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withLabels(Map.of(Labels.NAME, "tradingdatabase", Labels.INSTANCE, name.substring(0, name.lastIndexOf('-')),
            Labels.COMPONENT, "postgresql", Labels.MANAGED_BY, Labels.OPERATOR, "role", role))
        .endMetadata().build();
  }

  private io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabaseStatus status(String name) {
    TradingDatabase db = client.resources(TradingDatabase.class).inNamespace(NS).withName(name).get();
    assertThat(db.getStatus()).isNotNull();
    return db.getStatus();
  }

  private List<String> eventReasons(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  private void edit(TradingDatabase db, java.util.function.Consumer<TradingDatabase> change) {
    // Read-modify-write with optimistic locking, retried: the operator writes the status meanwhile.
    await().until(() -> {
      TradingDatabase fresh =
          client.resources(TradingDatabase.class).inNamespace(NS).withName(db.getMetadata().getName()).get();
      change.accept(fresh);
      // The mock server does not bump generation on spec changes as a real API server does.
      fresh.getMetadata().setGeneration(fresh.getMetadata().getGeneration() + 1);
      try {
        client.resource(fresh).update();
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException conflict) {
        return false;
      }
    });
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T awaitObject(Class<T> type, String name) {
    return await().atMost(Duration.ofSeconds(20)).until(
        () -> client.resources(type).inNamespace(NS).withName(name).get(), o -> o != null);
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)));
  }
}
