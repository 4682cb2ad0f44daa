package io.tradingdb.operator.api.v1alpha1.dbuser;

import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import java.util.List;

/** The role as it should be. Defaults are resolved by the operator, never written back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.rotation) || (has(self.rotation.enabled) && !self.rotation.enabled) || !has(self.password) || !has(self.password.secretRef)",
    message = "rotation needs a generated password: the operator cannot rotate a password taken from password.secretRef")
public class DbUserSpec {

  /** Control characters never belong in a role name; everything else is quoted safely. */
  public static final String ROLE_NAME_PATTERN = "^[^\\x00-\\x1f\\x7f]+$";

  @Required
  @JsonPropertyDescription("The PostgreSQL the role lives in: a TradingDatabase or an external server.")
  private DatabaseTarget target;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(ROLE_NAME_PATTERN)
  @ValidationRule(value = "size(bytes(self)) <= 63", message = "roleName may be at most 63 bytes in UTF-8")
  @ValidationRule(value = "!self.lowerAscii().startsWith('pg_')", message = "roleName may not start with pg_ (reserved by PostgreSQL)")
  @ValidationRule(value = "!(self in ['public', 'none'])", message = "roleName 'public' and 'none' are reserved by PostgreSQL")
  @ValidationRule(value = ReservedNames.NOT_OPERATOR_ROLE_RULE, message = "roleName " + ReservedNames.NOT_OPERATOR_ROLE_MESSAGE)
  @ValidationRule(value = "self == oldSelf", message = "roleName is immutable")
  @JsonPropertyDescription(
      "Name of the PostgreSQL role, taken literally (case and punctuation are kept). 1 to 63 bytes, "
          + "not starting with pg_ and not one of the operator's own roles (postgres, standby, "
          + "tradingdb_pooler, tradingdb_pooler_alt, tradingdb_monitor). Immutable.")
  private String roleName;

  @JsonPropertyDescription(
      "Take over a role that already exists and was not created by the operator. Without it such a "
          + "role is never changed or dropped and the DbUser reports RoleConflict. Superusers, roles with "
          + "CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, members of such roles and the admin role are "
          + "never adopted.")
  private Boolean adopt;

  @JsonPropertyDescription("The role may log in (LOGIN). Defaults to true.")
  private Boolean login;

  @JsonPropertyDescription("The role inherits the privileges of roles it is a member of (INHERIT). Defaults to true.")
  private Boolean inherit;

  @Min(-1)
  @JsonPropertyDescription("Maximum concurrent connections of the role; -1 (the default) means no limit.")
  private Integer connectionLimit;

  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$")
  @JsonPropertyDescription("RFC 3339 time after which the role's password stops working (VALID UNTIL). Unset: never.")
  private String validUntil;

  @Size(max = 64)
  @ValidationRule(value = ReservedNames.MEMBER_OF_RULE, message = ReservedNames.MEMBER_OF_MESSAGE)
  @JsonPropertyDescription(
      "Roles this role is a member of; duplicates count once. Memberships not listed are revoked. Allowed: "
          + "ordinary roles and the predefined roles the TradingDatabase allows (spec.dbUsers."
          + "allowedPredefinedRoles; by default pg_read_all_data, pg_write_all_data, pg_monitor, "
          + "pg_signal_backend). Refused when checked against the catalog: a superuser, a role with CREATEROLE, "
          + "CREATEDB, REPLICATION or BYPASSRLS (unless spec.dbUsers.allowedRoleAttributes lists it), "
          + "pg_execute_server_program, pg_read_server_files, pg_write_server_files, the operator's own roles, "
          + "and any role that is (through other roles) a member of one of those.")
  private List<String> memberOf;

  @JsonPropertyDescription(
      "Where the password comes from. Defaults to a generated password of 32 characters kept in the "
          + "connection Secret.")
  private PasswordSpec password;

  @JsonPropertyDescription("Rotate the generated password periodically.")
  private RotationSpec rotation;

  @JsonPropertyDescription(
      "Privileges of the role in the target database. Privileges the role holds there but that are "
          + "not listed (or implied by the preset) are revoked.")
  private PrivilegesSpec privileges;

  @JsonPropertyDescription(
      "The Secret the operator writes for applications (username, password, host, port, "
          + "dbname, uri, jdbc-uri, sslmode, pooler-host, pooler-port, pooler-uri). Defaults to "
          + "<metadata.name>-connection.")
  private LocalObjectRef connectionSecretRef;

  @JsonPropertyDescription(
      "Retain (default): the role stays when the DbUser is deleted. Delete: objects the role owns "
          + "are reassigned to reassignOwnedTo (or dropped when it is unset), then the role is dropped.")
  private ReclaimPolicy reclaimPolicy;

  @Size(min = 1, max = 63)
  @Pattern(ROLE_NAME_PATTERN)
  @ValidationRule(value = "!self.lowerAscii().startsWith('pg_') && !(self in ['public', 'none'])",
      message = "reassignOwnedTo may not be a predefined role (pg_*), public or none")
  @ValidationRule(value = ReservedNames.NOT_OPERATOR_ROLE_RULE, message = "reassignOwnedTo " + ReservedNames.NOT_OPERATOR_ROLE_MESSAGE)
  @JsonPropertyDescription(
      "With reclaimPolicy Delete: the role that receives the objects owned by this role (REASSIGN "
          + "OWNED) before its privileges are dropped. Never a superuser or a role with an administrative "
          + "attribute: its functions would then run with those rights.")
  private String reassignOwnedTo;

  public DatabaseTarget getTarget() { return target; }
  public void setTarget(DatabaseTarget target) { this.target = target; }
  public String getRoleName() { return roleName; }
  public void setRoleName(String roleName) { this.roleName = roleName; }
  public Boolean getAdopt() { return adopt; }
  public void setAdopt(Boolean adopt) { this.adopt = adopt; }
  public Boolean getLogin() { return login; }
  public void setLogin(Boolean login) { this.login = login; }
  public Boolean getInherit() { return inherit; }
  public void setInherit(Boolean inherit) { this.inherit = inherit; }
  public Integer getConnectionLimit() { return connectionLimit; }
  public void setConnectionLimit(Integer connectionLimit) { this.connectionLimit = connectionLimit; }
  public String getValidUntil() { return validUntil; }
  public void setValidUntil(String validUntil) { this.validUntil = validUntil; }
  public List<String> getMemberOf() { return memberOf; }
  public void setMemberOf(List<String> memberOf) { this.memberOf = memberOf; }
  public PasswordSpec getPassword() { return password; }
  public void setPassword(PasswordSpec password) { this.password = password; }
  public RotationSpec getRotation() { return rotation; }
  public void setRotation(RotationSpec rotation) { this.rotation = rotation; }
  public PrivilegesSpec getPrivileges() { return privileges; }
  public void setPrivileges(PrivilegesSpec privileges) { this.privileges = privileges; }
  public LocalObjectRef getConnectionSecretRef() { return connectionSecretRef; }
  public void setConnectionSecretRef(LocalObjectRef connectionSecretRef) { this.connectionSecretRef = connectionSecretRef; }
  public ReclaimPolicy getReclaimPolicy() { return reclaimPolicy; }
  public void setReclaimPolicy(ReclaimPolicy reclaimPolicy) { this.reclaimPolicy = reclaimPolicy; }
  public String getReassignOwnedTo() { return reassignOwnedTo; }
  public void setReassignOwnedTo(String reassignOwnedTo) { this.reassignOwnedTo = reassignOwnedTo; }
}
