package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Privileges the role gets on objects another role creates later in a schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.objectType == 'tables' ? self.privileges.all(p, p in ['SELECT', 'INSERT', 'UPDATE', "
        + "'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) : self.privileges.all(p, p in ['USAGE', 'SELECT', 'UPDATE'])",
    message = "defaultPrivileges: tables take SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER; "
        + "sequences take USAGE, SELECT, UPDATE")
public class DefaultPrivilegeGrant {

  @Size(min = 1, max = 63)
  @Pattern(DbUserSpec.ROLE_NAME_PATTERN)
  @ValidationRule(value = ReservedNames.SCHEMA_RULE, message = "schema " + ReservedNames.SCHEMA_MESSAGE)
  @JsonPropertyDescription("Schema the future objects are created in. Defaults to public.")
  private String schema;

  @Required
  @JsonPropertyDescription("tables or sequences.")
  private DefaultObjectType objectType;

  @Required
  @Size(min = 1, max = 7)
  @JsonPropertyDescription(
      "Privileges on the future objects: table privileges for tables, USAGE/SELECT/UPDATE for sequences.")
  private List<String> privileges;

  @Size(min = 1, max = 63)
  @Pattern(DbUserSpec.ROLE_NAME_PATTERN)
  @JsonPropertyDescription(
      "The role that will create the objects (ALTER DEFAULT PRIVILEGES FOR ROLE). Defaults to the "
          + "admin role the operator connects as.")
  private String forRole;

  public String getSchema() { return schema; }
  public void setSchema(String schema) { this.schema = schema; }
  public DefaultObjectType getObjectType() { return objectType; }
  public void setObjectType(DefaultObjectType objectType) { this.objectType = objectType; }
  public List<String> getPrivileges() { return privileges; }
  public void setPrivileges(List<String> privileges) { this.privileges = privileges; }
  public String getForRole() { return forRole; }
  public void setForRole(String forRole) { this.forRole = forRole; }
}
