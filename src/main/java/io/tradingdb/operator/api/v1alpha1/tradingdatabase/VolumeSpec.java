package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** One persistent volume per instance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeSpec {

  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
  @ValidationRule(
      value = "quantity(self).compareTo(quantity(oldSelf)) >= 0",
      message = "volume size cannot shrink; PostgreSQL volumes can only grow")
  @JsonPropertyDescription(
      "Requested size, for example 50Gi. It can grow later (the operator expands the claims "
          + "when the storage class allows it) but never shrink.")
  private String size;

  @ValidationRule(value = "self == oldSelf", message = "storageClassName is immutable")
  @JsonPropertyDescription("StorageClass of the claims. Cluster default when unset. Immutable.")
  private String storageClassName;

  public VolumeSpec() {}

  public VolumeSpec(String size, String storageClassName) {
    this.size = size;
    this.storageClassName = storageClassName;
  }

  public String getSize() { return size; }
  public void setSize(String size) { this.size = size; }
  public String getStorageClassName() { return storageClassName; }
  public void setStorageClassName(String storageClassName) { this.storageClassName = storageClassName; }
}
