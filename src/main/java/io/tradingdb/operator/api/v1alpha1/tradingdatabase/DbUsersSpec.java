package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What the DbUsers aimed at this TradingDatabase may be granted beyond ordinary roles; see docs/security.md. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DbUsersSpec {

  // Each value is compared with constants only, which keeps the rules within the API server's CEL cost budget.
  public static final String PREDEFINED_ROLES_CEL = "['pg_read_all_data', 'pg_write_all_data', 'pg_monitor', "
      + "'pg_signal_backend', 'pg_read_all_settings', 'pg_read_all_stats', 'pg_stat_scan_tables', 'pg_checkpoint', "
      + "'pg_maintain', 'pg_use_reserved_connections']";
  public static final String ROLE_ATTRIBUTES_CEL = "['CREATEDB', 'CREATEROLE', 'REPLICATION', 'BYPASSRLS']";

  @Size(max = 10)
  @ValidationRule(value = PREDEFINED_ROLES_CEL + ".all(v, self.filter(r, r == v).size() <= 1)", message = "allowedPredefinedRoles lists a role twice")
  @JsonPropertyDescription(
      "Predefined roles a DbUser's memberOf may name. Replaces the default list (pg_read_all_data, "
          + "pg_write_all_data, pg_monitor, pg_signal_backend); an empty list allows none. "
          + "pg_execute_server_program, pg_read_server_files and pg_write_server_files are never allowed.")
  private List<PredefinedRole> allowedPredefinedRoles;

  @Size(max = 4)
  @ValidationRule(value = ROLE_ATTRIBUTES_CEL + ".all(v, self.filter(a, a == v).size() <= 1)", message = "allowedRoleAttributes lists an attribute twice")
  @JsonPropertyDescription(
      "Administrative attributes a role named in a DbUser's memberOf may have (directly or through the roles "
          + "it is a member of): CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS. Empty by default: such "
          + "memberships are refused. Superuser roles are never allowed. Warning: CREATEROLE on PostgreSQL 15 "
          + "and older can grant almost any role.")
  private List<RoleAttribute> allowedRoleAttributes;

  public List<PredefinedRole> getAllowedPredefinedRoles() { return allowedPredefinedRoles; }
  public void setAllowedPredefinedRoles(List<PredefinedRole> allowedPredefinedRoles) { this.allowedPredefinedRoles = allowedPredefinedRoles; }
  public List<RoleAttribute> getAllowedRoleAttributes() { return allowedRoleAttributes; }
  public void setAllowedRoleAttributes(List<RoleAttribute> allowedRoleAttributes) { this.allowedRoleAttributes = allowedRoleAttributes; }
}
