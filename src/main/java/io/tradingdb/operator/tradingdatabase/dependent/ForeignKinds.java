package io.tradingdb.operator.tradingdatabase.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Kinds of other projects, named but not modelled: each is an unstructured object whose group,
 * version, kind and plural the client reads from annotations instead of asking the API server.
 * They are not CustomResource classes, so the CRD generator leaves them alone.
 */
public final class ForeignKinds {

  private ForeignKinds() {}

  @Group("monitoring.coreos.com")
  @Version("v1")
  @Kind("PodMonitor")
  @Plural("podmonitors")
  public static class PodMonitor extends GenericKubernetesResource implements Namespaced {}

  @Group("monitoring.coreos.com")
  @Version("v1")
  @Kind("PrometheusRule")
  @Plural("prometheusrules")
  public static class PrometheusRule extends GenericKubernetesResource implements Namespaced {}

  @Group("monitoring.coreos.com")
  @Version("v1alpha1")
  @Kind("AlertmanagerConfig")
  @Plural("alertmanagerconfigs")
  public static class AlertmanagerConfig extends GenericKubernetesResource implements Namespaced {}

  @Group("cert-manager.io")
  @Version("v1")
  @Kind("Certificate")
  @Plural("certificates")
  public static class Certificate extends GenericKubernetesResource implements Namespaced {}
}
