package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart's RBAC grants exactly what the operator does, without wildcards, in cluster and namespaced mode. */
class HelmChartRbacTest {

  private static final String OPERATOR = HelmChart.RELEASE;
  private static final String NAMESPACED_MODE = "watchNamespaces: [trading-dev, trading-prod]\n";

  /** What the operator does in a namespace it watches: apiGroup, resources, verbs. */
  private static final Set<Grant> NAMESPACED_NEEDS = grants("""
      tradingdb.io          tradingdatabases,backupschedules,dbusers  get,list,watch,patch,update
      tradingdb.io          tradingdatabases/status,backupschedules/status,dbusers/status  get,patch,update
      tradingdb.io          tradingdatabases/finalizers,backupschedules/finalizers,dbusers/finalizers  update
      ""                    secrets,configmaps,services,serviceaccounts,endpoints  get,list,watch,create,patch,update,delete
      ""                    persistentvolumeclaims  get,list,watch,patch,update,delete
      ""                    pods  get,list,watch,patch,update
      ""                    pods/eviction  create
      ""                    events  create,patch
      events.k8s.io         events  create,patch
      apps                  statefulsets,deployments  get,list,watch,create,patch,update,delete
      policy                poddisruptionbudgets  get,list,watch,create,patch,update,delete
      rbac.authorization.k8s.io  roles,rolebindings  get,list,watch,create,patch,update,delete
      batch                 cronjobs,jobs  get,list,watch,create,patch,update,delete
      networking.k8s.io     networkpolicies  get,list,watch,create,patch,update,delete
      monitoring.coreos.com podmonitors,prometheusrules,alertmanagerconfigs  get,list,watch,create,patch,update,delete
      cert-manager.io       certificates  get,list,watch,create,patch,update,delete
      """);
  /**
   * Cluster-scoped reads: can a StorageClass expand volumes; are Prometheus Operator and cert-manager installed;
   * the kubelets' volume stats for autoGrow (GET nodes/{node}/proxy/stats/summary).
   */
  private static final Set<Grant> CLUSTER_NEEDS = grants("""
      storage.k8s.io        storageclasses  get,list,watch
      ""                    nodes/proxy  get
      apiextensions.k8s.io  customresourcedefinitions  get,list,watch
      """);
  /**
   * Namespaced mode, cluster-wide: removing the finalizers of DbUsers and BackupSchedules in a namespace
   * being deleted, whose Role and RoleBinding are deleted with them.
   */
  private static final Set<Grant> FINALIZER_NEEDS = grants("""
      tradingdb.io          backupschedules,dbusers  get,list,watch,patch,update
      tradingdb.io          backupschedules/finalizers,dbusers/finalizers  update
      """);
  /** The leader-election Lease, in the operator's own namespace only. */
  private static final Set<Grant> LEADER_ELECTION_NEEDS = grants("""
      coordination.k8s.io   leases  get,list,watch,create,update,patch
      """);

  @Test
  void clusterModeGrantsExactlyTheOperatorsNeedsThroughOneClusterRole() {
    Rendered chart = Rendered.of("");

    assertThat(grants(chart.get(ClusterRole.class, null, OPERATOR).getRules()))
        .containsExactlyInAnyOrderElementsOf(union(NAMESPACED_NEEDS, CLUSTER_NEEDS));
    assertThat(chart.get(ClusterRoleBinding.class, null, OPERATOR).getSubjects())
        .singleElement().satisfies(HelmChartRbacTest::isTheOperatorsServiceAccount);
    assertThat(chart.all(Role.class)).extracting(role -> role.getMetadata().getName())
        .containsExactly(OPERATOR + "-leader-election");
  }

  @Test
  void namespacedModeGrantsARolePerWatchedNamespaceAndClusterWideOnlyReadsAndFinalizers() {
    Rendered chart = Rendered.of(NAMESPACED_MODE);

    assertThat(grants(chart.get(ClusterRole.class, null, OPERATOR).getRules()))
        .containsExactlyInAnyOrderElementsOf(union(CLUSTER_NEEDS, FINALIZER_NEEDS));
    for (String namespace : List.of("trading-dev", "trading-prod")) {
      assertThat(grants(chart.get(Role.class, namespace, OPERATOR).getRules())).as(namespace)
          .containsExactlyInAnyOrderElementsOf(NAMESPACED_NEEDS);
      RoleBinding binding = chart.get(RoleBinding.class, namespace, OPERATOR);
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
      assertThat(binding.getSubjects()).singleElement().satisfies(HelmChartRbacTest::isTheOperatorsServiceAccount);
    }
    assertThat(chart.all(Role.class)).extracting(role -> role.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("trading-dev", "trading-prod", HelmChart.NAMESPACE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", NAMESPACED_MODE})
  void leaseAccessIsLimitedToTheOperatorsNamespace(String values) {
    Rendered chart = Rendered.of(values);

    Role leaderElection = chart.get(Role.class, HelmChart.NAMESPACE, OPERATOR + "-leader-election");
    assertThat(grants(leaderElection.getRules())).containsExactlyInAnyOrderElementsOf(LEADER_ELECTION_NEEDS);
    assertThat(chart.get(RoleBinding.class, HelmChart.NAMESPACE, OPERATOR + "-leader-election").getSubjects())
        .singleElement().satisfies(HelmChartRbacTest::isTheOperatorsServiceAccount);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", NAMESPACED_MODE})
  void noRuleUsesAWildcard(String values) {
    Rendered chart = Rendered.of(values);
    List<PolicyRule> rules = chart.all(ClusterRole.class).stream().flatMap(role -> role.getRules().stream()).toList();
    List<PolicyRule> namespacedRules = chart.all(Role.class).stream().flatMap(role -> role.getRules().stream()).toList();

    assertThat(union(grants(rules), grants(namespacedRules))).isNotEmpty()
        .allSatisfy(grant -> assertThat(grant.toString()).doesNotContain("*"));
    assertThat(rules).allSatisfy(rule -> assertThat(rule.getResourceNames()).isNullOrEmpty());
    assertThat(rules).allSatisfy(rule -> assertThat(rule.getNonResourceURLs()).isNullOrEmpty());
  }

  @Test
  void withoutRbacCreateNoRolesAreRendered() {
    Rendered chart = Rendered.of("rbac:\n  create: false\n");

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(RoleBinding.class)).isEmpty();
  }

  private static void isTheOperatorsServiceAccount(Subject subject) {
    assertThat(subject.getKind()).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).isEqualTo(OPERATOR);
    assertThat(subject.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
  }

  /** One permission: a verb on a resource of an API group. */
  record Grant(String apiGroup, String resource, String verb) implements Comparable<Grant> {
    @Override
    public int compareTo(Grant other) {
      return toString().compareTo(other.toString());
    }
  }

  private static Set<Grant> grants(List<PolicyRule> rules) {
    Set<Grant> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add(new Grant(group, resource, verb));
          }
        }
      }
    }
    return grants;
  }

  private static Set<Grant> grants(String table) {
    Set<Grant> grants = new TreeSet<>();
    for (String line : table.strip().split("\n")) {
      String[] columns = line.strip().split("\\s+");
      String group = columns[0].equals("\"\"") ? "" : columns[0];
      for (String resource : columns[1].split(",")) {
        for (String verb : columns[2].split(",")) {
          grants.add(new Grant(group, resource, verb));
        }
      }
    }
    return grants;
  }

  @SafeVarargs
  private static Set<Grant> union(Set<Grant>... sets) {
    return Arrays.stream(sets).flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
  }
}
