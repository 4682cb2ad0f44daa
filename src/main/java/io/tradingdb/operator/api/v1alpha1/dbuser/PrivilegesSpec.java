package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Privileges in the target database; the preset and the explicit lists are added together. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrivilegesSpec {

  @JsonPropertyDescription(
      "readOnly: CONNECT, USAGE on the schemas (public unless schemas are listed), SELECT on all "
          + "tables, USAGE and SELECT on all sequences, and SELECT on tables created later. "
          + "readWrite: readOnly plus INSERT, UPDATE, DELETE on tables and UPDATE on sequences, for "
          + "existing and future objects.")
  private Preset preset;

  @Size(max = 3)
  @JsonPropertyDescription("Privileges on the target database.")
  private List<DatabasePrivilege> database;

  @Size(max = 100)
  @JsonPropertyDescription("Privileges on schemas. With a preset, the schemas listed here are the ones it covers.")
  private List<SchemaGrant> schemas;

  @Size(max = 500)
  @JsonPropertyDescription("Privileges on named tables or on all tables of a schema.")
  private List<TableGrant> tables;

  @Size(max = 500)
  @JsonPropertyDescription("Privileges on named sequences or on all sequences of a schema.")
  private List<SequenceGrant> sequences;

  @Size(max = 100)
  @JsonPropertyDescription("Privileges on tables or sequences created later (ALTER DEFAULT PRIVILEGES).")
  private List<DefaultPrivilegeGrant> defaultPrivileges;

  public Preset getPreset() { return preset; }
  public void setPreset(Preset preset) { this.preset = preset; }
  public List<DatabasePrivilege> getDatabase() { return database; }
  public void setDatabase(List<DatabasePrivilege> database) { this.database = database; }
  public List<SchemaGrant> getSchemas() { return schemas; }
  public void setSchemas(List<SchemaGrant> schemas) { this.schemas = schemas; }
  public List<TableGrant> getTables() { return tables; }
  public void setTables(List<TableGrant> tables) { this.tables = tables; }
  public List<SequenceGrant> getSequences() { return sequences; }
  public void setSequences(List<SequenceGrant> sequences) { this.sequences = sequences; }
  public List<DefaultPrivilegeGrant> getDefaultPrivileges() { return defaultPrivileges; }
  public void setDefaultPrivileges(List<DefaultPrivilegeGrant> defaultPrivileges) { this.defaultPrivileges = defaultPrivileges; }
}
