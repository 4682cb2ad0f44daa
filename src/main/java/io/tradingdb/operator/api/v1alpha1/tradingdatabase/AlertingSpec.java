package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;

/** Where this cluster's alerts go: an AlertmanagerConfig where the Prometheus Operator has the CRD. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.slack) != has(self.webhook)", message = "set exactly one of slack or webhook")
public class AlertingSpec {

  @JsonPropertyDescription("Route the alerts. Defaults to true when alerting is set; false keeps the settings but removes the route.")
  private Boolean enabled;

  @JsonPropertyDescription("Send the alerts to a Slack incoming webhook.")
  private Slack slack;

  @JsonPropertyDescription("Send the alerts to an HTTP endpoint as Alertmanager's webhook JSON.")
  private Webhook webhook;

  /** A Slack incoming webhook; its URL is a credential, so it is read from a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Slack {
    @Required
    @JsonPropertyDescription("Secret key holding the incoming-webhook URL (key defaults to url).")
    private SecretKeyRef webhookUrlSecretRef;

    @Size(min = 1, max = 80)
    @Pattern("^[#@]?[^\\s]+$")
    @JsonPropertyDescription("Channel to post to, for example #trading-alerts. Defaults to the webhook's own channel.")
    private String channel;

    public SecretKeyRef getWebhookUrlSecretRef() { return webhookUrlSecretRef; }
    public void setWebhookUrlSecretRef(SecretKeyRef webhookUrlSecretRef) { this.webhookUrlSecretRef = webhookUrlSecretRef; }
    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
  }

  /** A generic webhook receiver. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Webhook {
    @Required
    @JsonPropertyDescription("Secret key holding the endpoint URL (key defaults to url).")
    private SecretKeyRef urlSecretRef;

    public SecretKeyRef getUrlSecretRef() { return urlSecretRef; }
    public void setUrlSecretRef(SecretKeyRef urlSecretRef) { this.urlSecretRef = urlSecretRef; }
  }

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public Slack getSlack() { return slack; }
  public void setSlack(Slack slack) { this.slack = slack; }
  public Webhook getWebhook() { return webhook; }
  public void setWebhook(Webhook webhook) { this.webhook = webhook; }
}
