package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The policies of one hypertable. The application creates the table and makes it a hypertable;
 * the operator adds and corrects its retention and compression policies.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HypertableSpec {

  @Size(min = 1, max = 63)
  @JsonPropertyDescription("Schema of the hypertable. Defaults to public.")
  private String schema;

  @Required
  @Size(min = 1, max = 63)
  @JsonPropertyDescription("Name of the hypertable, for example ticks.")
  private String name;

  @Pattern(io.tradingdb.operator.api.v1alpha1.common.Formats.DURATION)
  @JsonPropertyDescription(
      "Time range of one chunk, for example 1d (set_chunk_time_interval; applies to chunks created "
          + "from now on). Unset leaves the table's interval alone.")
  private String chunkInterval;

  @JsonPropertyDescription(
      "Drop chunks whose data is older than dropAfter (add_retention_policy). Needs the TimescaleDB "
          + "build with the Timescale License part, as the timescaledb-ha image ships it.")
  private Retention retention;

  @JsonPropertyDescription(
      "Compress chunks older than after (ALTER TABLE ... SET (timescaledb.compress) and "
          + "add_compression_policy). Needs the TimescaleDB build with the Timescale License part.")
  private Compression compression;

  public String getSchema() { return schema; }
  public void setSchema(String schema) { this.schema = schema; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getChunkInterval() { return chunkInterval; }
  public void setChunkInterval(String chunkInterval) { this.chunkInterval = chunkInterval; }
  public Retention getRetention() { return retention; }
  public void setRetention(Retention retention) { this.retention = retention; }
  public Compression getCompression() { return compression; }
  public void setCompression(Compression compression) { this.compression = compression; }

  /** A retention policy; removed from the table when the block is gone or disabled. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.enabled == false || has(self.dropAfter)", message = "dropAfter is required when retention is enabled")
  public static class Retention {
    @JsonPropertyDescription("Keep the retention policy. Defaults to true; false removes it.")
    private Boolean enabled;

    @Pattern(io.tradingdb.operator.api.v1alpha1.common.Formats.DURATION)
    @JsonPropertyDescription("Drop chunks whose newest data is older than this, for example 90d.")
    private String dropAfter;

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public String getDropAfter() { return dropAfter; }
    public void setDropAfter(String dropAfter) { this.dropAfter = dropAfter; }
  }

  /**
   * Compression settings and policy. Dropping the block removes the policy; chunks already
   * compressed stay compressed (decompressing them all could fill the disk).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.enabled == false || has(self.after)", message = "after is required when compression is enabled")
  public static class Compression {
    @JsonPropertyDescription("Keep the compression policy. Defaults to true; false removes it.")
    private Boolean enabled;

    @Pattern(io.tradingdb.operator.api.v1alpha1.common.Formats.DURATION)
    @JsonPropertyDescription("Compress chunks whose newest data is older than this, for example 7d.")
    private String after;

    @Size(max = 16)
    @JsonPropertyDescription(
        "Columns whose rows are compressed together (timescaledb.compress_segmentby), for example "
            + "[symbol]. Queries filtering on them stay fast.")
    private List<@Size(min = 1, max = 63) String> segmentBy;

    @Size(max = 16)
    @JsonPropertyDescription(
        "Order of rows inside a compressed batch (timescaledb.compress_orderby). Defaults to "
            + "TimescaleDB's choice, the time column descending.")
    private List<OrderBy> orderBy;

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public String getAfter() { return after; }
    public void setAfter(String after) { this.after = after; }
    public List<String> getSegmentBy() { return segmentBy; }
    public void setSegmentBy(List<String> segmentBy) { this.segmentBy = segmentBy; }
    public List<OrderBy> getOrderBy() { return orderBy; }
    public void setOrderBy(List<OrderBy> orderBy) { this.orderBy = orderBy; }
  }

  /** One column of compress_orderby. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class OrderBy {
    @Required
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("Column name, for example time.")
    private String column;

    @JsonPropertyDescription("Descending order. Defaults to false (ascending).")
    private Boolean descending;

    public String getColumn() { return column; }
    public void setColumn(String column) { this.column = column; }
    public Boolean getDescending() { return descending; }
    public void setDescending(Boolean descending) { this.descending = descending; }
  }
}
