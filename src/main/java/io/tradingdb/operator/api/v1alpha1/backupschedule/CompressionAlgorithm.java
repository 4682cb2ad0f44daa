package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Compressors applied to the dump stream before upload. */
public enum CompressionAlgorithm {
  @JsonProperty("gzip") GZIP("gzip", ".gz", 1, 9),
  @JsonProperty("zstd") ZSTD("zstd", ".zst", 1, 19),
  @JsonProperty("lz4") LZ4("lz4", ".lz4", 1, 12),
  @JsonProperty("none") NONE("none", "", 0, 0);

  private final String value;
  private final String extension;
  private final int minLevel;
  private final int maxLevel;

  CompressionAlgorithm(String value, String extension, int minLevel, int maxLevel) {
    this.value = value;
    this.extension = extension;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
  }

  public String value() { return value; }
  /** File name suffix of a compressed dump, empty for none. */
  public String extension() { return extension; }
  public int minLevel() { return minLevel; }
  public int maxLevel() { return maxLevel; }
}
