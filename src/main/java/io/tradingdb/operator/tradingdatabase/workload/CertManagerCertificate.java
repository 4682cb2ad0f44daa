package io.tradingdb.operator.tradingdatabase.workload;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.kube.OptionalResources;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** A cert-manager Certificate whose Secret becomes the cluster's server certificate. */
public final class CertManagerCertificate {

  public static final OptionalResources.Kind KIND =
      OptionalResources.Kind.of("cert-manager.io", "v1", "Certificate", "certificates");

  private CertManagerCertificate() {}

  public static GenericKubernetesResource build(ClusterModel model, String issuerName, String issuerKind) {
    Map<String, Object> issuer = new LinkedHashMap<>();
    issuer.put("name", issuerName);
    issuer.put("kind", issuerKind == null ? "Issuer" : issuerKind);
    issuer.put("group", "cert-manager.io");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("secretName", model.tlsSecret());
    spec.put("commonName", model.names().serviceHost(model.names().readWriteService()));
    spec.put("dnsNames", ClusterTls.dnsNames(model.names()));
    spec.put("duration", "8760h");
    spec.put("renewBefore", "720h");
    spec.put("privateKey", Map.of("algorithm", "ECDSA", "size", 256, "rotationPolicy", "Always"));
    spec.put("usages", java.util.List.of("server auth", "client auth"));
    spec.put("issuerRef", issuer);
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("cert-manager.io/v1")
        .withKind("Certificate")
        .withNewMetadata()
        .withName(model.tlsSecret())
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "tls"))
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }
}
