package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Secret in the same namespace.")
  private String name;

  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("Key inside the Secret. Each field that takes this reference documents its default key.")
  private String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getKey() { return key; }
  public void setKey(String key) { this.key = key; }
}
