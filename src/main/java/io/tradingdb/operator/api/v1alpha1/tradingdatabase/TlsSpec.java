package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;

/** Where the server certificate comes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.certificateSecretRef) && has(self.certManagerIssuer))",
    message = "set at most one of tls.certificateSecretRef and tls.certManagerIssuer")
@ValidationRule(
    value = "!(has(self.enabled) && !self.enabled && has(self.patroniRestApi) && has(self.patroniRestApi.enabled) "
        + "&& self.patroniRestApi.enabled)",
    message = "tls.patroniRestApi.enabled needs tls.enabled")
public class TlsSpec {

  @JsonPropertyDescription("Serve TLS and require it for non-local connections. Defaults to true.")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Secret of type kubernetes.io/tls (keys tls.crt, tls.key, and ca.crt) with the server "
          + "certificate; for Patroni's REST API over TLS it must also name the pods "
          + "(*.<name>-pods.<namespace>.svc). When neither this nor certManagerIssuer is set, the "
          + "operator runs its own CA and renews the certificate before it expires.")
  private LocalObjectRef certificateSecretRef;

  @JsonPropertyDescription("cert-manager Issuer or ClusterIssuer that signs the server certificate.")
  private IssuerRef certManagerIssuer;

  @JsonPropertyDescription(
      "TLS on Patroni's REST API (port 8008), with the same certificate. Only with tls.enabled.")
  private PatroniRestApiTls patroniRestApi;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public LocalObjectRef getCertificateSecretRef() { return certificateSecretRef; }
  public void setCertificateSecretRef(LocalObjectRef certificateSecretRef) { this.certificateSecretRef = certificateSecretRef; }
  public IssuerRef getCertManagerIssuer() { return certManagerIssuer; }
  public void setCertManagerIssuer(IssuerRef certManagerIssuer) { this.certManagerIssuer = certManagerIssuer; }
  public PatroniRestApiTls getPatroniRestApi() { return patroniRestApi; }
  public void setPatroniRestApi(PatroniRestApiTls patroniRestApi) { this.patroniRestApi = patroniRestApi; }

  /** Whether Patroni's REST API serves HTTPS; HTTP on the pod network only when switched off here. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PatroniRestApiTls {
    @JsonPropertyDescription(
        "Serve Patroni's REST API over HTTPS; the operator and the other members check the certificate "
            + "against the cluster's CA. false serves plain HTTP on the pod network (the REST API password "
            + "then crosses it in clear). Defaults to tls.enabled.")
    private Boolean enabled;

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  }

  /** A cert-manager issuer reference. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class IssuerRef {
    @io.fabric8.generator.annotation.Required
    @JsonPropertyDescription("Name of the Issuer or ClusterIssuer.")
    private String name;

    @io.fabric8.generator.annotation.Pattern("^(Issuer|ClusterIssuer)$")
    @JsonPropertyDescription("Issuer (default) or ClusterIssuer.")
    private String kind;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
  }
}
