package io.tradingdb.operator.tradingdatabase.workload;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.List;

/**
 * What Patroni needs for its Kubernetes DCS (leader lock and configuration in ConfigMaps, role
 * labels on pods). Kept to the objects of this cluster where Kubernetes RBAC allows naming them:
 * "create" and "list"/"watch" cannot be restricted by name.
 */
public final class PatroniRbac {

  private PatroniRbac() {}

  public static ServiceAccount serviceAccount(ClusterModel model) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(model.names().serviceAccount())
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "patroni"))
        .endMetadata()
        .build();
  }

  public static Role role(ClusterModel model) {
    ClusterNames n = model.names();
    List<String> dcsObjects =
        List.of(n.patroniDcsConfigMap(), n.patroniLeaderConfigMap(), n.patroniFailoverConfigMap(),
            n.patroniSyncConfigMap());
    List<PolicyRule> rules =
        List.of(
            rule("", "configmaps", List.of("create", "list", "watch")),
            named("", "configmaps", dcsObjects, List.of("get", "patch", "update", "delete")),
            rule("", "pods", List.of("get", "list", "watch", "patch", "update")),
            // Patroni reads the Service of its scope to publish the leader's address.
            rule("", "endpoints", List.of("get", "list", "watch")),
            rule("", "services", List.of("get", "list")));
    return new RoleBuilder()
        .withNewMetadata()
        .withName(n.patroniRole())
        .withNamespace(n.namespace())
        .withLabels(Labels.of("tradingdatabase", n.cluster(), "patroni"))
        .endMetadata()
        .withRules(rules)
        .build();
  }

  public static RoleBinding roleBinding(ClusterModel model) {
    ClusterNames n = model.names();
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(n.patroniRole())
        .withNamespace(n.namespace())
        .withLabels(Labels.of("tradingdatabase", n.cluster(), "patroni"))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(n.patroniRole())
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(n.serviceAccount())
        .withNamespace(n.namespace())
        .endSubject()
        .build();
  }

  private static PolicyRule rule(String group, String resource, List<String> verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withVerbs(verbs)
        .build();
  }

  private static PolicyRule named(
      String group, String resource, List<String> names, List<String> verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withResourceNames(names)
        .withVerbs(verbs)
        .build();
  }
}
