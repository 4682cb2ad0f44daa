package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Privileges on named tables of a schema, or on all of its tables. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.names) != (has(self.allTables) && self.allTables)",
    message = "set exactly one of names or allTables: true")
public class TableGrant {

  @Size(min = 1, max = 63)
  @Pattern(DbUserSpec.ROLE_NAME_PATTERN)
  @ValidationRule(value = ReservedNames.SCHEMA_RULE, message = "schema " + ReservedNames.SCHEMA_MESSAGE)
  @JsonPropertyDescription("Schema of the tables. Defaults to public.")
  private String schema;

  @Size(min = 1, max = 500)
  @JsonPropertyDescription("Table (or view) names in the schema, taken literally; 1 to 63 bytes each (checked by the operator: a CEL rule over list items exceeds the API server's cost budget).")
  private List<String> names;

  @JsonPropertyDescription("All tables, views and foreign tables that exist in the schema at each reconcile.")
  private Boolean allTables;

  @Required
  @Size(min = 1, max = 7)
  @JsonPropertyDescription("SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER.")
  private List<TablePrivilege> privileges;

  public TableGrant() {}

  public TableGrant(String schema, List<String> names, List<TablePrivilege> privileges) {
    this.schema = schema;
    this.names = names;
    this.privileges = privileges;
  }

  public String getSchema() { return schema; }
  public void setSchema(String schema) { this.schema = schema; }
  public List<String> getNames() { return names; }
  public void setNames(List<String> names) { this.names = names; }
  public Boolean getAllTables() { return allTables; }
  public void setAllTables(Boolean allTables) { this.allTables = allTables; }
  public List<TablePrivilege> getPrivileges() { return privileges; }
  public void setPrivileges(List<TablePrivilege> privileges) { this.privileges = privileges; }
}
