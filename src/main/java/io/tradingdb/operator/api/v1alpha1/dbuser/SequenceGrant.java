package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Privileges on named sequences of a schema, or on all of its sequences. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.names) != (has(self.allSequences) && self.allSequences)",
    message = "set exactly one of names or allSequences: true")
public class SequenceGrant {

  @Size(min = 1, max = 63)
  @Pattern(DbUserSpec.ROLE_NAME_PATTERN)
  @ValidationRule(value = ReservedNames.SCHEMA_RULE, message = "schema " + ReservedNames.SCHEMA_MESSAGE)
  @JsonPropertyDescription("Schema of the sequences. Defaults to public.")
  private String schema;

  @Size(min = 1, max = 500)
  @JsonPropertyDescription("Sequence names in the schema, taken literally; 1 to 63 bytes each (checked by the operator: a CEL rule over list items exceeds the API server's cost budget).")
  private List<String> names;

  @JsonPropertyDescription("All sequences that exist in the schema at each reconcile.")
  private Boolean allSequences;

  @Required
  @Size(min = 1, max = 3)
  @JsonPropertyDescription("USAGE, SELECT, UPDATE.")
  private List<SequencePrivilege> privileges;

  public String getSchema() { return schema; }
  public void setSchema(String schema) { this.schema = schema; }
  public List<String> getNames() { return names; }
  public void setNames(List<String> names) { this.names = names; }
  public Boolean getAllSequences() { return allSequences; }
  public void setAllSequences(Boolean allSequences) { this.allSequences = allSequences; }
  public List<SequencePrivilege> getPrivileges() { return privileges; }
  public void setPrivileges(List<SequencePrivilege> privileges) { this.privileges = privileges; }
}
