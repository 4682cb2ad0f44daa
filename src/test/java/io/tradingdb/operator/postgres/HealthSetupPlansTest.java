package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planned SQL for the service logins and VACUUM, as a reviewer would read it. */
class HealthSetupPlansTest {

  @Test
  void poolerLookupPlanCoversBothLookupLoginsAndNeverReturnsThem() {
    assertThat(PoolerAuthSetup.plan("ai_trading", Set.of()).statements()).containsExactly(
        "CREATE ROLE \"tradingdb_pooler\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS",
        "GRANT CONNECT ON DATABASE \"ai_trading\" TO \"tradingdb_pooler\"",
        "CREATE ROLE \"tradingdb_pooler_alt\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS",
        "GRANT CONNECT ON DATABASE \"ai_trading\" TO \"tradingdb_pooler_alt\"",
        "CREATE SCHEMA IF NOT EXISTS \"tradingdb_pooler\"",
        "REVOKE ALL ON SCHEMA \"tradingdb_pooler\" FROM PUBLIC",
        "GRANT USAGE ON SCHEMA \"tradingdb_pooler\" TO \"tradingdb_pooler\"",
        "GRANT USAGE ON SCHEMA \"tradingdb_pooler\" TO \"tradingdb_pooler_alt\"",
        "CREATE OR REPLACE FUNCTION \"tradingdb_pooler\".\"user_lookup\"(i_username text)"
            + " RETURNS TABLE (uname text, phash text) LANGUAGE sql STABLE SECURITY DEFINER"
            + " SET search_path = pg_catalog, pg_temp AS 'SELECT usename::text, passwd::text"
            + " FROM pg_catalog.pg_shadow WHERE usename = $1 AND NOT usesuper AND NOT userepl"
            + " AND usename NOT IN (''tradingdb_pooler'', ''tradingdb_pooler_alt'')'",
        "REVOKE ALL ON FUNCTION \"tradingdb_pooler\".\"user_lookup\"(text) FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION \"tradingdb_pooler\".\"user_lookup\"(text) TO \"tradingdb_pooler\"",
        "GRANT EXECUTE ON FUNCTION \"tradingdb_pooler\".\"user_lookup\"(text) TO \"tradingdb_pooler_alt\"");
    List<String> existing = PoolerAuthSetup.plan("ai_trading", Set.of("tradingdb_pooler")).statements();
    assertThat(existing.get(0)).startsWith("ALTER ROLE \"tradingdb_pooler\" ");
    assertThat(existing.get(2)).startsWith("CREATE ROLE \"tradingdb_pooler_alt\" ");
    assertThat(PoolerAuthSetup.authQuery())
        .isEqualTo("SELECT uname, phash FROM \"tradingdb_pooler\".\"user_lookup\"($1)");
  }

  @Test
  void aRotationAlternatesBetweenTheTwoLookupLoginsAndRetiresOnlyThose() {
    assertThat(PoolerAuthSetup.other("tradingdb_pooler")).isEqualTo("tradingdb_pooler_alt");
    assertThat(PoolerAuthSetup.other("tradingdb_pooler_alt")).isEqualTo("tradingdb_pooler");
    assertThat(PoolerAuthSetup.retire("tradingdb_pooler_alt").sql())
        .isEqualTo("ALTER ROLE \"tradingdb_pooler_alt\" WITH PASSWORD NULL");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PoolerAuthSetup.retire("app_owner"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a lookup login");
  }

  @Test
  void monitoringPlanGrantsPgMonitorOnly() {
    assertThat(MonitoringRoleSetup.plan("ai\"trading", false).statements()).containsExactly(
        "CREATE ROLE \"tradingdb_monitor\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION"
            + " NOBYPASSRLS CONNECTION LIMIT 5",
        "GRANT pg_monitor TO \"tradingdb_monitor\"",
        "ALTER ROLE \"tradingdb_monitor\" SET lock_timeout = '100ms'",
        "GRANT CONNECT ON DATABASE \"ai\"\"trading\" TO \"tradingdb_monitor\"",
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }

  @Test
  void vacuumPlanQuotesHostileNames() {
    assertThat(VacuumAnalyze.plan(List.of(
        new VacuumAnalyze.Table("public", "fills"),
        new VacuumAnalyze.Table("we\"ird", "x; DROP TABLE fills")))
        .statements()).containsExactly(
            "VACUUM (ANALYZE) \"public\".\"fills\"",
            "VACUUM (ANALYZE) \"we\"\"ird\".\"x; DROP TABLE fills\"");
  }
}
