package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Privileges on one schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchemaGrant {

  @Required
  @Size(min = 1, max = 63)
  @Pattern(DbUserSpec.ROLE_NAME_PATTERN)
  @ValidationRule(value = ReservedNames.SCHEMA_RULE, message = "schema " + ReservedNames.SCHEMA_MESSAGE)
  @JsonPropertyDescription("Schema name, taken literally.")
  private String name;

  @Size(max = 2)
  @JsonPropertyDescription("USAGE and/or CREATE. May be empty when the entry only names a schema for the preset.")
  private List<SchemaPrivilege> privileges;

  public SchemaGrant() {}

  public SchemaGrant(String name, List<SchemaPrivilege> privileges) {
    this.name = name;
    this.privileges = privileges;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public List<SchemaPrivilege> getPrivileges() { return privileges; }
  public void setPrivileges(List<SchemaPrivilege> privileges) { this.privileges = privileges; }
}
