package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordRotationSqlTest {

  @Test
  void oneAlterRolePerRoleWithAVerifierNeverThePassword() {
    Map<String, String> passwords = new LinkedHashMap<>();
    passwords.put("standby", "new-replication-password");
    passwords.put("we\"ird'role", "x'; DROP ROLE postgres; --");
    passwords.put("postgres", "new-superuser-password");
    List<PlannedStatement> plan = PasswordRotationSql.plan(passwords);
    assertThat(plan).extracting(PlannedStatement::description).containsExactly(
        "ALTER ROLE \"standby\" WITH PASSWORD '<scram-sha-256 redacted>'",
        "ALTER ROLE \"we\"\"ird'role\" WITH PASSWORD '<scram-sha-256 redacted>'",
        "ALTER ROLE \"postgres\" WITH PASSWORD '<scram-sha-256 redacted>'");
    assertThat(plan.get(1).sql()).startsWith("ALTER ROLE \"we\"\"ird'role\" WITH PASSWORD 'SCRAM-SHA-256$4096:");
    for (PlannedStatement s : plan) {
      assertThat(s.sql()).doesNotContain("new-replication-password", "DROP ROLE", "new-superuser-password");
    }
    assertThat(ScramPasswords.matches("x'; DROP ROLE postgres; --",
        plan.get(1).sql().replaceAll("^.*PASSWORD '", "").replaceAll("'$", ""))).isTrue();
  }
}
