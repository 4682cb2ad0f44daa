package io.tradingdb.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.postgres.BackupSql;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backup SQL quotes every name through SqlQuote, including hostile ones. */
class BackupSqlTest {

  @Test
  void hostileTableNamesStayLiterals() {
    String sql = BackupSql.tablesWithChildrenQuery(List.of("x'); DROP TABLE trades; --", "Desk.Or\"ders"));
    assertThat(sql).contains("('public', 'x''); DROP TABLE trades; --')", "('Desk', 'Or\"ders')");
    String counts = BackupSql.rowCountsQuery(new BackupSql.Selection(List.of("it's"), null, null, List.of("a.b'c")));
    assertThat(counts).contains("n.nspname IN ('it''s')", "NOT IN (('a', 'b''c'))");
  }

  @Test
  void theHypertableCheckCoversEverySelectionListAndQuotesItsNames() {
    String sql = BackupSql.hypertablesInSelectionQuery(
        new BackupSql.Selection(List.of("it's"), List.of("old"), List.of("Desk.Or'ders"), List.of("ticks")));
    assertThat(sql).contains("h.hypertable_schema IN ('it''s')", "h.hypertable_schema IN ('old')",
        "(h.hypertable_schema, h.hypertable_name) IN (('Desk', 'Or''ders'))",
        "(h.hypertable_schema, h.hypertable_name) IN (('public', 'ticks'))");
    assertThat(BackupSql.Selection.all().isAll()).isTrue();
    assertThat(BackupSql.hypertablesInSelectionQuery(BackupSql.Selection.all())).contains("WHERE false");
  }

  @Test
  void databaseNamesAreQuotedIdentifiers() {
    assertThat(BackupSql.recreateDatabase("ai\"trading"))
        .isEqualTo("DROP DATABASE IF EXISTS \"ai\"\"trading\" WITH (FORCE);\nCREATE DATABASE \"ai\"\"trading\";\n");
    assertThat(BackupNames.scratchDatabase("d".repeat(63))).hasSize(63).endsWith("_restore_test");
  }

  @Test
  void dumpPatternsMatchOneNameExactly() {
    assertThat(BackupSql.exactNamePattern("Market*Data")).isEqualTo("\"Market*Data\"");
    assertThatThrownBy(() -> BackupSql.exactNamePattern("a\nb")).hasMessageContaining("newline");
  }

  @Test
  void expectedTablesDefaultToSchemaPublic() {
    assertThat(BackupSql.missingTablesQuery(List.of("trades", "audit.events")))
        .contains("(VALUES ('public', 'trades'), ('audit', 'events'))");
  }
}
