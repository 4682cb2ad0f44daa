package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A reference to an object by name in the same namespace. */
public class LocalObjectRef {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the object in the same namespace.")
  private String name;

  public LocalObjectRef() {}

  public LocalObjectRef(String name) { this.name = name; }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
