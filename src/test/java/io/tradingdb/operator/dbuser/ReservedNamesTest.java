package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.api.v1alpha1.dbuser.ReservedNames;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.DbUsersSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PredefinedRole;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.RoleAttribute;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.postgres.PoolerAuthSetup;
import io.tradingdb.operator.tradingdatabase.workload.ClusterSecrets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reserved lists follow the roles the operator really creates, and the CRD's CEL lists follow them. */
class ReservedNamesTest {

  @Test
  void everyRoleTheOperatorUsesIsReserved() {
    assertThat(ReservedNames.OPERATOR_ROLES).containsExactlyInAnyOrder(
        ClusterSecrets.SUPERUSER, ClusterSecrets.REPLICATION_USER, PoolerAuthSetup.ROLE, PoolerAuthSetup.ALTERNATE,
        MonitoringRoleSetup.ROLE);
    assertThat(ReservedNames.OPERATOR_SCHEMAS).containsExactly(PoolerAuthSetup.SCHEMA);
  }

  @Test
  void theCelListsNameTheSameRoles() {
    assertThat(quoted(ReservedNames.OPERATOR_ROLES_CEL)).containsExactlyElementsOf(ReservedNames.OPERATOR_ROLES);
    List<String> never = new ArrayList<>(ReservedNames.OPERATOR_ROLES);
    never.addAll(ReservedNames.SERVER_ACCESS_ROLES);
    never.addAll(ReservedNames.PSEUDO_ROLES);
    assertThat(quoted(ReservedNames.NEVER_MEMBER_OF_CEL)).containsExactlyElementsOf(never);
  }

  @Test
  void systemSchemasAreRecognisedInAnyLetterCaseAndOthersAreNot() {
    assertThat(List.of("pg_catalog", "PG_CATALOG", "Pg_Toast", "pg_temp", "pg_temp_7", "pg_toast_temp_1", "information_schema",
        "INFORMATION_SCHEMA", "_timescaledb_catalog", "timescaledb_information", "tradingdb_pooler", "TRADINGDB_POOLER"))
        .allMatch(ReservedNames::isSystemSchema);
    assertThat(List.of("public", "pg", "pgcatalog", "рg_catalog", "information", "signals", "tradingdb"))
        .noneMatch(ReservedNames::isSystemSchema);
  }

  @Test
  void theTradingDatabaseDuplicateRulesNameEveryAllowedValue() {
    assertThat(quoted(DbUsersSpec.PREDEFINED_ROLES_CEL))
        .containsExactlyElementsOf(Stream.of(PredefinedRole.values()).map(PredefinedRole::roleName).toList());
    assertThat(quoted(DbUsersSpec.ROLE_ATTRIBUTES_CEL))
        .containsExactlyElementsOf(Stream.of(RoleAttribute.values()).map(Enum::name).toList());
    assertThat(DbUserPolicy.defaults().predefinedRoles())
        .containsExactlyInAnyOrder("pg_read_all_data", "pg_write_all_data", "pg_monitor", "pg_signal_backend");
    assertThat(DbUserPolicy.defaults().roleAttributes()).isEmpty();
  }

  private static List<String> quoted(String celList) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'").matcher(celList);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
