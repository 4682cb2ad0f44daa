package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** One persistent volume per instance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules on the pair: a maximum below the size could never be honoured.
@ValidationRule(
    value = "!has(self.autoGrow) || !has(self.autoGrow.maxSize) || !has(self.size) || !isQuantity(self.size)"
        + " || !isQuantity(self.autoGrow.maxSize) || quantity(self.autoGrow.maxSize).compareTo(quantity(self.size)) >= 0",
    message = "autoGrow.maxSize must be at least size")
public class VolumeSpec {

  /** Smallest volume accepted: PostgreSQL, TimescaleDB and a few WAL segments need room to start. */
  public static final String MIN_SIZE = "1Gi";
  /** Largest volume accepted; far above any cloud disk, far below the API server's 2^63-1 byte ceiling. */
  public static final String MAX_SIZE = "1Pi";

  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
  @ValidationRule(
      value = "quantity(self).compareTo(quantity(oldSelf)) >= 0",
      message = "volume size cannot shrink; PostgreSQL volumes can only grow")
  // The pattern reports a malformed size; this rule only judges sizes that parse.
  @ValidationRule(
      value = "!isQuantity(self) || (quantity(self).compareTo(quantity('" + MIN_SIZE + "')) >= 0"
          + " && quantity(self).compareTo(quantity('" + MAX_SIZE + "')) <= 0)",
      message = "volume size must be between " + MIN_SIZE + " and " + MAX_SIZE)
  @JsonPropertyDescription(
      "Requested size, for example 50Gi, from " + MIN_SIZE + " to " + MAX_SIZE + ". It can grow later (the operator expands the claims "
          + "when the storage class allows it) but never shrink.")
  private String size;

  @ValidationRule(value = "self == oldSelf", message = "storageClassName is immutable")
  @JsonPropertyDescription("StorageClass of the claims. Cluster default when unset. Immutable.")
  private String storageClassName;

  @JsonPropertyDescription(
      "Grow the claims before they fill: when an instance's filesystem is fuller than thresholdPercent, its "
          + "claim grows by incrementPercent, up to maxSize. The claims may then be larger than size; size "
          + "stays what you wrote.")
  private AutoGrowSpec autoGrow;

  public VolumeSpec() {}

  public VolumeSpec(String size, String storageClassName) {
    this.size = size;
    this.storageClassName = storageClassName;
  }

  public String getSize() { return size; }
  public void setSize(String size) { this.size = size; }
  public String getStorageClassName() { return storageClassName; }
  public AutoGrowSpec getAutoGrow() { return autoGrow; }
  public void setAutoGrow(AutoGrowSpec autoGrow) { this.autoGrow = autoGrow; }
  public void setStorageClassName(String storageClassName) { this.storageClassName = storageClassName; }
}
