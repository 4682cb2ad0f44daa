package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleSqlTest {

  @Test
  void hostileNamesStayInsideTheirQuotes() {
    String role = "x\"; DROP ROLE postgres; --";
    assertThat(RoleSql.grant(ObjectRef.table("we\"ird", "t'able"), List.of("SELECT"), role).sql())
        .isEqualTo("GRANT SELECT ON TABLE \"we\"\"ird\".\"t'able\" TO \"x\"\"; DROP ROLE postgres; --\"");
    assertThat(RoleSql.commentOnRole(role, "it's '; DROP ROLE x; --").sql())
        .isEqualTo("COMMENT ON ROLE \"x\"\"; DROP ROLE postgres; --\" IS 'it''s ''; DROP ROLE x; --'");
  }

  @Test
  void privilegeKeywordsAreCheckedPerObjectKind() {
    assertThatThrownBy(() -> RoleSql.grant(ObjectRef.sequence("public", "s"), List.of("DELETE"), "r"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoleSql.grant(ObjectRef.table("public", "t"), List.of("SELECT; DROP TABLE t"), "r"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RoleSql.grant(ObjectRef.table("public", "t"), List.of(), "r"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void privilegesAreListedInCanonicalOrderOnce() {
    assertThat(RoleSql.revoke(ObjectRef.table("public", "t"), List.of("UPDATE", "SELECT", "UPDATE"), "r").sql())
        .isEqualTo("REVOKE SELECT, UPDATE ON TABLE \"public\".\"t\" FROM \"r\"");
  }

  @Test
  void passwordsAreSentOnlyAsScramHashesAndRedactedInDescriptions() {
    String hash = ScramPasswords.hash("plaintext");
    PlannedStatement set = RoleSql.setPassword("app", hash);
    assertThat(set.sql()).isEqualTo("ALTER ROLE \"app\" WITH PASSWORD '" + hash + "'");
    assertThat(set.description()).isEqualTo("ALTER ROLE \"app\" WITH PASSWORD '<scram-sha-256 redacted>'");
    assertThat(set.toString()).doesNotContain(hash);
    assertThatThrownBy(() -> RoleSql.setPassword("app", "plaintext")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attributesAreAllSpelledOut() {
    RoleAttributes a = RoleAttributes.application(false, false, 3, Instant.parse("2030-01-02T03:04:05.123456Z"));
    assertThat(RoleSql.alterRole("r", a).sql()).isEqualTo(
        "ALTER ROLE \"r\" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOLOGIN NOREPLICATION NOBYPASSRLS "
            + "CONNECTION LIMIT 3 VALID UNTIL '2030-01-02T03:04:05.123456Z'");
  }

  @Test
  void defaultPrivilegesWithAndWithoutSchema() {
    assertThat(RoleSql.defaultPrivileges(new DefaultPrivilege.Key("owner", "public", ObjectKind.TABLE),
        List.of("SELECT"), "r", true).sql())
        .isEqualTo("ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"public\" GRANT SELECT ON TABLES TO \"r\"");
    assertThat(RoleSql.defaultPrivileges(new DefaultPrivilege.Key("owner", null, ObjectKind.SEQUENCE),
        List.of("USAGE"), "r", false).sql())
        .isEqualTo("ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" REVOKE USAGE ON SEQUENCES FROM \"r\"");
  }

  @Test
  void credentialsNeverPrintTheirPassword() {
    assertThat(new PostgresCredentials("admin", "hunter2").toString()).doesNotContain("hunter2");
  }
}
