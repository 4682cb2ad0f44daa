package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Data volume, and an optional separate WAL volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  @JsonPropertyDescription(
      "The data volume of each instance. Size defaults from the profile (10Gi development, "
          + "50Gi staging, 200Gi production).")
  private VolumeSpec data;

  @JsonPropertyDescription(
      "Optional separate volume for the write-ahead log, recommended for production (the "
          + "production profile adds one of 50Gi). Cannot be added or removed after creation.")
  private VolumeSpec wal;

  public VolumeSpec getData() { return data; }
  public void setData(VolumeSpec data) { this.data = data; }
  public VolumeSpec getWal() { return wal; }
  public void setWal(VolumeSpec wal) { this.wal = wal; }
}
