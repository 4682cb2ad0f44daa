package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.Formats;

/** Grow a volume's claims before they fill, up to a maximum. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.enabled) || !self.enabled || has(self.maxSize)",
    message = "autoGrow.maxSize is required when autoGrow is enabled")
public class AutoGrowSpec {

  public static final int DEFAULT_THRESHOLD_PERCENT = 80;
  public static final int DEFAULT_INCREMENT_PERCENT = 20;

  @JsonPropertyDescription(
      "Grow each instance's claim when its filesystem is fuller than thresholdPercent. Needs a StorageClass "
          + "with allowVolumeExpansion. The operator reads the usage from the kubelet's volume stats.")
  private Boolean enabled;

  @Min(50)
  @Max(95)
  @JsonPropertyDescription("Usage, in percent of the filesystem's capacity, at which a claim grows. 50 to 95. Defaults to 80.")
  private Integer thresholdPercent;

  @Min(5)
  @Max(100)
  @JsonPropertyDescription(
      "How much a claim grows each time, in percent of its current size (rounded up to a whole MiB). "
          + "5 to 100. Defaults to 20.")
  private Integer incrementPercent;

  @Pattern(Formats.QUANTITY)
  @JsonPropertyDescription(
      "The largest size the operator grows a claim to, for example 500Gi; at least the volume's size. "
          + "Required when enabled. A volume that needs more is reported Degraded (VolumeCannotGrow) with an "
          + "Event and the TradingDbVolumeCannotGrow alert; raise it, or the size, to go on.")
  private String maxSize;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public Integer getThresholdPercent() { return thresholdPercent; }
  public void setThresholdPercent(Integer thresholdPercent) { this.thresholdPercent = thresholdPercent; }
  public Integer getIncrementPercent() { return incrementPercent; }
  public void setIncrementPercent(Integer incrementPercent) { this.incrementPercent = incrementPercent; }
  public String getMaxSize() { return maxSize; }
  public void setMaxSize(String maxSize) { this.maxSize = maxSize; }
}
