package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One instance's volume as the kubelet last measured it, for volumes with autoGrow. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeUsage {

  @JsonPropertyDescription("The instance (pod).")
  private String instance;

  @JsonPropertyDescription("data or wal.")
  private String volume;

  @JsonPropertyDescription("The PersistentVolumeClaim.")
  private String claim;

  @JsonPropertyDescription("The claim's requested size.")
  private String requested;

  @JsonPropertyDescription("The filesystem's capacity as the kubelet reports it (a little below the claim's size).")
  private String capacity;

  @JsonPropertyDescription(
      "Space in use, in percent of capacity, rounded down. Only whole percents are reported, so the status "
          + "changes when the usage does by a percent, not at every write.")
  private Integer usedPercent;

  @JsonPropertyDescription(
      "What auto-grow does about this volume: Ok, Growing (a larger size is requested and not yet in the "
          + "filesystem), AtMaximum or ExpansionNotAllowed (it needs to grow and cannot).")
  private String state;

  public VolumeUsage() {}

  public VolumeUsage(String instance, String volume, String claim, String requested, String capacity,
      Integer usedPercent, String state) {
    this.instance = instance;
    this.volume = volume;
    this.claim = claim;
    this.requested = requested;
    this.capacity = capacity;
    this.usedPercent = usedPercent;
    this.state = state;
  }

  public String getInstance() { return instance; }
  public void setInstance(String instance) { this.instance = instance; }
  public String getVolume() { return volume; }
  public void setVolume(String volume) { this.volume = volume; }
  public String getClaim() { return claim; }
  public void setClaim(String claim) { this.claim = claim; }
  public String getRequested() { return requested; }
  public void setRequested(String requested) { this.requested = requested; }
  public String getCapacity() { return capacity; }
  public void setCapacity(String capacity) { this.capacity = capacity; }
  public Integer getUsedPercent() { return usedPercent; }
  public void setUsedPercent(Integer usedPercent) { this.usedPercent = usedPercent; }
  public String getState() { return state; }
  public void setState(String state) { this.state = state; }

  @Override
  public boolean equals(Object o) {
    return o instanceof VolumeUsage v && Objects.equals(instance, v.instance) && Objects.equals(volume, v.volume)
        && Objects.equals(claim, v.claim) && Objects.equals(requested, v.requested)
        && Objects.equals(capacity, v.capacity)
        && Objects.equals(usedPercent, v.usedPercent) && Objects.equals(state, v.state);
  }

  @Override
  public int hashCode() { return Objects.hash(claim, usedPercent, state); }
}
