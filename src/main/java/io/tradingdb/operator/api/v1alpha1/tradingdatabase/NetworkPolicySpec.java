package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Which clients may open connections to the PostgreSQL pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkPolicySpec {

  @JsonPropertyDescription(
      "Create a NetworkPolicy that lets only the cluster's own pods, its pooler, the operator, "
          + "backup Jobs and the clients listed here reach PostgreSQL (port 5432) and Patroni "
          + "(port 8008). Needs a network plugin that enforces NetworkPolicies. Defaults to false.")
  private Boolean enabled;

  @Size(max = 50)
  @JsonPropertyDescription(
      "Namespaces, by name, whose pods may connect to PostgreSQL, for example trading-apps. "
          + "Matched on the kubernetes.io/metadata.name label that Kubernetes sets on every namespace.")
  private List<String> allowedNamespaces;

  @JsonPropertyDescription(
      "Namespaces, by label, whose pods may connect to PostgreSQL, for example "
          + "matchLabels: {tradingdb.io/client: \"true\"}.")
  private LabelSelector allowedNamespaceSelector;

  @JsonPropertyDescription(
      "Pods in the TradingDatabase's own namespace, by label, that may connect to PostgreSQL, "
          + "for example matchLabels: {app: order-router}.")
  private LabelSelector allowedPods;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public List<String> getAllowedNamespaces() { return allowedNamespaces; }
  public void setAllowedNamespaces(List<String> allowedNamespaces) { this.allowedNamespaces = allowedNamespaces; }
  public LabelSelector getAllowedNamespaceSelector() { return allowedNamespaceSelector; }
  public void setAllowedNamespaceSelector(LabelSelector allowedNamespaceSelector) { this.allowedNamespaceSelector = allowedNamespaceSelector; }
  public LabelSelector getAllowedPods() { return allowedPods; }
  public void setAllowedPods(LabelSelector allowedPods) { this.allowedPods = allowedPods; }
}
