package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tradingdb.operator.OperatorSettings;
import io.tradingdb.operator.Operators;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Conditions;
import io.tradingdb.operator.testsupport.RealCluster;
import io.tradingdb.operator.testsupport.Samples;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator, impersonating the Helm chart's ServiceAccount with exactly the chart's RBAC, does
 * everything a TradingDatabase needs; the same run with one rule removed is refused, which shows
 * the check would catch a missing verb.
 */
class OperatorRbacIT {

  static KubernetesClient admin;
  static List<HasMetadata> chart;
  static String ns;

  @BeforeAll
  static void applyChartRbac() {
    admin = RealCluster.client();
    RealCluster.installCrds(admin);
    chart = HelmChart.parse(HelmChart.template("createNamespace: true\n"));
    List<HasMetadata> rbac = new ArrayList<>();
    for (HasMetadata o : chart) {
      if (o instanceof io.fabric8.kubernetes.api.model.Namespace || o instanceof ServiceAccount
          || o instanceof ClusterRole || o instanceof ClusterRoleBinding || o instanceof Role
          || o instanceof RoleBinding) {
        rbac.add(o);
      }
    }
    assertThat(rbac).hasSizeGreaterThanOrEqualTo(5);
    RealCluster.apply(admin, rbac);
    ns = RealCluster.createNamespace(admin, "rbac-it", Map.of());
  }

  @Test
  void operatorAsTheChartsServiceAccountReconcilesATradingDatabase() throws Exception {
    String sa = serviceAccountName();
    try (KubernetesClient asOperator = impersonate(sa);
        var ignored = run(asOperator, true)) {
      TradingDatabase db = fresh("granted");
      admin.resource(db).create();
      await().atMost(RealCluster.timeout()).untilAsserted(() -> {
        TradingDatabase current = admin.resources(TradingDatabase.class).inNamespace(ns).withName("granted").get();
        assertThat(current.getStatus()).isNotNull();
        assertThat(current.getStatus().getPhase()).isNotNull();
        assertThat(admin.apps().statefulSets().inNamespace(ns).withName("granted").get()).isNotNull();
        assertThat(admin.policy().v1().podDisruptionBudget().inNamespace(ns).withName("granted").get()).isNull();
        assertThat(admin.rbac().roleBindings().inNamespace(ns).withName("granted-patroni").get()).isNotNull();
        assertThat(admin.secrets().inNamespace(ns).withName("granted-tls").get()).isNotNull();
        assertThat(Conditions.find(current.getStatus().getConditions(), Conditions.DEGRADED)
            .map(c -> c.getReason()).orElse("")).isNotEqualTo("ReconcileError");
      });
      // Leader election ran with the chart's Lease permissions in the release namespace.
      assertThat(admin.leases().inNamespace(HelmChart.NAMESPACE).withName(OperatorSettings.LEASE_NAME).get())
          .isNotNull();
      // Three instances add a disruption budget: another kind, another permission.
      admin.resources(TradingDatabase.class).inNamespace(ns).withName("granted").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"spec\":{\"instances\":3}}");
      await().atMost(RealCluster.timeout()).untilAsserted(() ->
          assertThat(admin.policy().v1().podDisruptionBudget().inNamespace(ns).withName("granted").get()).isNotNull());
    }
  }

  @Test
  void withoutOneRuleOfTheChartTheOperatorIsRefusedAndSaysSo() throws Exception {
    ClusterRole full = chart.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .filter(r -> r.getRules().stream().anyMatch(rule -> rule.getResources().contains("rolebindings")))
        .findFirst().orElseThrow();
    // The chart's rules, less one verb: "create" on RoleBindings (needed for Patroni's binding).
    List<PolicyRule> rules = new ArrayList<>();
    for (PolicyRule rule : full.getRules()) {
      PolicyRule copy = Serialization.clone(rule);
      if (copy.getResources().contains("rolebindings")) {
        copy.getResources().remove("rolebindings");
        PolicyRule withoutCreate = Serialization.clone(rule);
        withoutCreate.setResources(List.of("rolebindings"));
        withoutCreate.setVerbs(new ArrayList<>(rule.getVerbs()));
        withoutCreate.getVerbs().remove("create");
        rules.add(withoutCreate);
      }
      if (!copy.getResources().isEmpty()) {
        rules.add(copy);
      }
    }
    String name = "tradingdb-operator-without-rolebinding-create";
    RealCluster.apply(admin, List.of(
        new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rules).build(),
        new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(HelmChart.NAMESPACE).endMetadata().build(),
        new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(name).endRoleRef()
            .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(HelmChart.NAMESPACE).endSubject()
            .build()));
    // No leader election here: the Lease Role is bound to the chart's ServiceAccount only.
    try (KubernetesClient asOperator = impersonate(name);
        var ignored = run(asOperator, false)) {
      admin.resource(fresh("refused")).create();
      await().atMost(RealCluster.timeout()).untilAsserted(() -> {
        TradingDatabase current = admin.resources(TradingDatabase.class).inNamespace(ns).withName("refused").get();
        assertThat(current.getStatus()).isNotNull();
        var degraded = Conditions.find(current.getStatus().getConditions(), Conditions.DEGRADED).orElse(null);
        assertThat(degraded).isNotNull();
        assertThat(degraded.getReason()).isEqualTo("ReconcileError");
        assertThat(degraded.getMessage()).contains("forbidden").contains("rolebindings");
      });
    }
  }

  /**
   * Namespaced mode: deleting a watched namespace deletes the operator's Role and RoleBinding there
   * together with the DbUsers, and the operator must still remove their finalizers, or the namespace
   * stays Terminating forever (the ProductionClusterE2EIT run of issue 14 waited 5 minutes for it).
   */
  @Test
  void inNamespacedModeTheOperatorRemovesDbUserFinalizersWhileItsNamespaceIsDeleted() throws Exception {
    String watched = RealCluster.createNamespace(admin, "rbac-watched", Map.of());
    List<HasMetadata> namespaced = HelmChart.parse(HelmChart.template(
        "fullnameOverride: tdb-namespaced\nwatchNamespaces: [" + watched + "]\n"));
    List<HasMetadata> rbac = namespaced.stream().filter(o -> o instanceof ServiceAccount || o instanceof ClusterRole
        || o instanceof ClusterRoleBinding || o instanceof Role || o instanceof RoleBinding).toList();
    RealCluster.apply(admin, rbac);
    String sa = rbac.stream().filter(ServiceAccount.class::isInstance).findFirst().orElseThrow().getMetadata().getName();
    admin.resource(Serialization.unmarshal("""
        apiVersion: tradingdb.io/v1alpha1
        kind: DbUser
        metadata: {name: app-user, namespace: %s, finalizers: [dbusers.tradingdb.io/finalizer]}
        spec: {target: {tradingDatabase: {name: trading-prod}}, roleName: app_user, privileges: {database: [CONNECT]}}
        """.formatted(watched), io.tradingdb.operator.api.v1alpha1.dbuser.DbUser.class)).create();

    admin.namespaces().withName(watched).delete();
    await().atMost(RealCluster.timeout()).until(() -> admin.rbac().roleBindings().inNamespace(watched).list().getItems().isEmpty());
    try (KubernetesClient asOperator = impersonate(sa)) {
      // What the SDK does once the cleanup returns: a patch that removes the finalizer. A JSON patch
      // with a test op, as the namespace controller updates the DbUser meanwhile (an edit()'s
      // read-then-write got 409 Conflict in a .ci/run).
      asOperator.resources(io.tradingdb.operator.api.v1alpha1.dbuser.DbUser.class).inNamespace(watched)
          .withName("app-user").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
              io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
              "[{\"op\": \"test\", \"path\": \"/metadata/finalizers/0\", \"value\": \"dbusers.tradingdb.io/finalizer\"},"
                  + " {\"op\": \"remove\", \"path\": \"/metadata/finalizers/0\"}]");
    }
    await().atMost(RealCluster.timeout()).until(() -> admin.namespaces().withName(watched).get() == null);
    admin.resourceList(rbac).delete();
  }

  private static String serviceAccountName() {
    return chart.stream().filter(ServiceAccount.class::isInstance).findFirst().orElseThrow()
        .getMetadata().getName();
  }

  private static KubernetesClient impersonate(String serviceAccount) {
    return RealCluster.impersonating(
        "system:serviceaccount:" + HelmChart.NAMESPACE + ":" + serviceAccount,
        "system:serviceaccounts", "system:serviceaccounts:" + HelmChart.NAMESPACE, "system:authenticated");
  }

  private static AutoCloseable run(KubernetesClient client, boolean leaderElection) {
    OperatorSettings config =
        new OperatorSettings(Set.of(ns), HelmChart.NAMESPACE, leaderElection, "127.0.0.1", 0, false,
            io.tradingdb.operator.testsupport.TestExternalTargets.policy());
    // The operator runs inside the test JVM here: on stop it must release the Lease, not exit.
    var lease = new io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration(
        OperatorSettings.LEASE_NAME, HelmChart.NAMESPACE,
        io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null, null, false);
    Operator operator = Operators.create(client, config, new SimpleMeterRegistry(), Clock.systemUTC(),
        new io.tradingdb.operator.postgres.PostgresConnections(),
        o -> {
          io.tradingdb.operator.testsupport.InTestJvm.configure(o);
          if (leaderElection) {
            o.withLeaderElectionConfiguration(lease);
          }
        });
    operator.start();
    return () -> io.tradingdb.operator.testsupport.InTestJvm.stop(operator);
  }

  private static TradingDatabase fresh(String name) {
    TradingDatabase db = Samples.tradingDatabase(ns, name);
    db.getMetadata().setUid(null);
    db.getMetadata().setGeneration(null);
    return db;
  }
}
