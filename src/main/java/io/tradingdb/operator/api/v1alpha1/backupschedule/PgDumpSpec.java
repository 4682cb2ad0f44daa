package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** pg_dump options. Names are exact (no wildcards) so the row counts cover what the dump holds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.jobs) || self.jobs == 1 || (has(self.format) && self.format == 'directory')",
    message = "pgDump.jobs greater than 1 needs pgDump.format 'directory'")
public class PgDumpSpec {

  @JsonPropertyDescription(
      "Archive format: custom (default; pg_restore can pick objects), directory (one file per "
          + "table, allows parallel jobs) or plain (an SQL script).")
  private DumpFormat format;

  @JsonPropertyDescription("What to dump: full (default), schemaOnly or dataOnly.")
  private DumpScope scope;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Dump only these schemas (exact names). A selection that reaches a TimescaleDB hypertable fails "
          + "the backup (HypertableInSelection): pg_dump takes a hypertable only with the whole database.")
  private List<@Size(min = 1, max = 63) String> schemas;

  @Size(max = 64)
  @JsonPropertyDescription("Schemas to leave out (exact names). Not one that holds a hypertable.")
  private List<@Size(min = 1, max = 63) String> excludeSchemas;

  @Size(max = 256)
  @JsonPropertyDescription(
      "Dump only these tables, as 'schema.table' or 'table' (schema public). A partitioned table "
          + "brings its partitions with it. A TimescaleDB hypertable cannot be selected (its compressed "
          + "rows would be lost on restore): the backup fails with HypertableInSelection.")
  private List<@Size(min = 1, max = 127) String> tables;

  @Size(max = 256)
  @JsonPropertyDescription("Tables to leave out, as 'schema.table' or 'table' (schema public). Not a hypertable.")
  private List<@Size(min = 1, max = 127) String> excludeTables;

  @JsonPropertyDescription("Compression of the dump stream. Defaults to gzip level 6.")
  private CompressionSpec compression;

  @Min(1)
  @Max(16)
  @JsonPropertyDescription(
      "Parallel pg_dump jobs (directory format only). Each job holds one connection. Defaults to 1.")
  private Integer jobs;

  public DumpFormat getFormat() { return format; }
  public void setFormat(DumpFormat format) { this.format = format; }
  public DumpScope getScope() { return scope; }
  public void setScope(DumpScope scope) { this.scope = scope; }
  public List<String> getSchemas() { return schemas; }
  public void setSchemas(List<String> schemas) { this.schemas = schemas; }
  public List<String> getExcludeSchemas() { return excludeSchemas; }
  public void setExcludeSchemas(List<String> excludeSchemas) { this.excludeSchemas = excludeSchemas; }
  public List<String> getTables() { return tables; }
  public void setTables(List<String> tables) { this.tables = tables; }
  public List<String> getExcludeTables() { return excludeTables; }
  public void setExcludeTables(List<String> excludeTables) { this.excludeTables = excludeTables; }
  public CompressionSpec getCompression() { return compression; }
  public void setCompression(CompressionSpec compression) { this.compression = compression; }
  public Integer getJobs() { return jobs; }
  public void setJobs(Integer jobs) { this.jobs = jobs; }

  /** Compressor and level. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.level) || !has(self.algorithm) || self.algorithm != 'none'",
      message = "compression.level needs an algorithm other than 'none'")
  @ValidationRule(
      value = "!has(self.level) || (has(self.algorithm) && self.algorithm == 'zstd' ? self.level <= 19 "
          + ": has(self.algorithm) && self.algorithm == 'lz4' ? self.level <= 12 : self.level <= 9)",
      message = "compression.level is at most 9 for gzip, 19 for zstd and 12 for lz4")
  public static class CompressionSpec {
    @JsonPropertyDescription("gzip (default), zstd, lz4 or none.")
    private CompressionAlgorithm algorithm;

    @Min(1)
    @Max(19)
    @JsonPropertyDescription(
        "Compression level: 1-9 for gzip (default 6), 1-19 for zstd (default 3), 1-12 for lz4 "
            + "(default 1).")
    private Integer level;

    public CompressionAlgorithm getAlgorithm() { return algorithm; }
    public void setAlgorithm(CompressionAlgorithm algorithm) { this.algorithm = algorithm; }
    public Integer getLevel() { return level; }
    public void setLevel(Integer level) { this.level = level; }
  }
}
