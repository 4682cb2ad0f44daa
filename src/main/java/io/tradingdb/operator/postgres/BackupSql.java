package io.tradingdb.operator.postgres;

import java.util.List;
import java.util.stream.Collectors;

/**
 * SQL and psql scripts the backup, restore and verify Jobs run. The Jobs get them as files from a
 * ConfigMap, so every name that reaches them is quoted here, once, by {@link SqlQuote}.
 */
public final class BackupSql {

  /** Schemas that are never counted or listed: the catalog and TimescaleDB's internals. */
  private static final String SYSTEM_SCHEMA_FILTER =
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
          + "AND n.nspname NOT LIKE '\\_timescaledb%'";

  private BackupSql() {}

  /**
   * Which tables a dump covers, with exact names. Table names are "schema.table" or "table"
   * (schema public).
   */
  public record Selection(
      List<String> schemas, List<String> excludeSchemas, List<String> tables, List<String> excludeTables) {

    public Selection {
      schemas = schemas == null ? List.of() : List.copyOf(schemas);
      excludeSchemas = excludeSchemas == null ? List.of() : List.copyOf(excludeSchemas);
      tables = tables == null ? List.of() : List.copyOf(tables);
      excludeTables = excludeTables == null ? List.of() : List.copyOf(excludeTables);
    }

    public static Selection all() {
      return new Selection(List.of(), List.of(), List.of(), List.of());
    }

    /** True when the dump is the whole database, with nothing selected or excluded. */
    public boolean isAll() {
      return schemas.isEmpty() && excludeSchemas.isEmpty() && tables.isEmpty() && excludeTables.isEmpty();
    }
  }

  /** A table name split into schema and table; a name without a schema lives in public. */
  public record TableName(String schema, String table) {
    public static TableName parse(String name) {
      int dot = name.indexOf('.');
      return dot < 0
          ? new TableName("public", name)
          : new TableName(name.substring(0, dot), name.substring(dot + 1));
    }

    String sqlPair() {
      return "(" + SqlQuote.literal(schema) + ", " + SqlQuote.literal(table) + ")";
    }
  }

  /**
   * One JSON object {"schema.table": rows, ...} over the top-level tables of the selection.
   * Partitions and inheritance children (TimescaleDB chunks) count through their parent.
   */
  public static String rowCountsQuery(Selection selection) {
    return """
        SELECT coalesce(json_object_agg(t.name, t.row_count ORDER BY t.name), '{}'::json)
        FROM (
          SELECT n.nspname || '.' || c.relname AS name,
                 (xpath('/row/n/text()',
                        query_to_xml(format('SELECT count(*) AS n FROM %%I.%%I', n.nspname, c.relname),
                                     false, true, '')))[1]::text::bigint AS row_count
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p')
            AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
            AND %s%s
        ) t;
        """.formatted(SYSTEM_SCHEMA_FILTER, selectionFilter(selection));
  }

  /**
   * The named tables and every partition or chunk under them, one pg_dump pattern per line with
   * both parts double-quoted (pg_dump matches quoted patterns literally, like SqlQuote.identifier). pg_dump 15 has no
   * --table-and-children, and a TimescaleDB chunk is an inheritance child of its hypertable.
   */
  public static String tablesWithChildrenQuery(List<String> tableNames) {
    String roots =
        tableNames.stream().map(TableName::parse).map(TableName::sqlPair).collect(Collectors.joining(", "));
    return """
        WITH RECURSIVE tree(oid) AS (
          SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE (n.nspname, c.relname) IN (%s)
          UNION
          SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid
        )
        SELECT '"' || replace(n.nspname, '"', '""') || '"."' || replace(c.relname, '"', '""') || '"'
        FROM tree JOIN pg_class c ON c.oid = tree.oid JOIN pg_namespace n ON n.oid = c.relnamespace
        ORDER BY 1;
        """.formatted(roots);
  }

  /**
   * A psql script that opens a repeatable-read transaction, writes its exported snapshot id to the
   * file in psql variable {@code snapshot_file}, and holds the snapshot until the file named by
   * the shell variable {@code SNAPSHOT_RELEASE_FILE} exists: pg_dump and the row counts then see
   * exactly the same data.
   */
  public static String snapshotHolderScript() {
    return """
        BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
        \\o :snapshot_file
        SELECT pg_export_snapshot();
        \\o
        \\! while [ ! -e "$SNAPSHOT_RELEASE_FILE" ]; do sleep 0.2; done
        COMMIT;
        """;
  }

  /** Row counts inside the snapshot named by psql variable {@code snapshot}. */
  public static String rowCountsInSnapshotScript(Selection selection) {
    return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n"
        + "SET TRANSACTION SNAPSHOT :'snapshot';\n"
        + rowCountsQuery(selection)
        + "COMMIT;\n";
  }

  /**
   * The TimescaleDB hypertables a selection names or reaches, one {@code schema.table} a line. pg_dump
   * cannot take part of a TimescaleDB database: a hypertable's chunks live in
   * {@code _timescaledb_internal}, its compressed rows in other tables again, and what ties them
   * together in the extension's catalog, which only a whole-database dump carries. A table or schema
   * selection that includes a hypertable restores its uncompressed chunks as plain tables and loses
   * every compressed row (1,152 of 4,032 in BackupScriptsIT); one that excludes a hypertable leaves
   * catalog entries for a table the dump does not hold. Run only where the extension exists.
   */
  public static String hypertablesInSelectionQuery(Selection s) {
    List<String> reached = new java.util.ArrayList<>();
    if (!s.schemas().isEmpty()) {
      reached.add("h.hypertable_schema IN (" + literals(s.schemas()) + ")");
    }
    if (!s.excludeSchemas().isEmpty()) {
      reached.add("h.hypertable_schema IN (" + literals(s.excludeSchemas()) + ")");
    }
    if (!s.tables().isEmpty()) {
      reached.add("(h.hypertable_schema, h.hypertable_name) IN (" + pairs(s.tables()) + ")");
    }
    if (!s.excludeTables().isEmpty()) {
      reached.add("(h.hypertable_schema, h.hypertable_name) IN (" + pairs(s.excludeTables()) + ")");
    }
    return """
        SELECT h.hypertable_schema || '.' || h.hypertable_name
        FROM timescaledb_information.hypertables h
        WHERE %s
        ORDER BY 1;
        """.formatted(reached.isEmpty() ? "false" : String.join("\n   OR ", reached));
  }

  /** "t" when the connected database has the TimescaleDB extension, else "f". */
  public static String timescaledbInstalledQuery() {
    return "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = "
        + SqlQuote.literal("timescaledb") + ");\n";
  }

  /** Run before pg_restore into a TimescaleDB database (stops background workers, restore mode). */
  public static String timescaledbPreRestore() {
    return "CREATE EXTENSION IF NOT EXISTS " + SqlQuote.identifier("timescaledb") + ";\n"
        + "SELECT timescaledb_pre_restore();\n";
  }

  /**
   * Of the role names in psql variable {@code roles} (one a line), those that do not exist here,
   * one a line: a restore keeps the dump's owners and grants only when none is missing.
   */
  public static String rolesMissingQuery() {
    return "SELECT name FROM unnest(string_to_array(:'roles', E'\\n')) AS name\n"
        + "WHERE name <> '' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = name)\n"
        + "ORDER BY name;\n";
  }

  public static String timescaledbPostRestore() {
    return "SELECT timescaledb_post_restore();\n";
  }

  /** Drops (ending its sessions) and creates a scratch database; run connected to another database. */
  public static String recreateDatabase(String database) {
    return "DROP DATABASE IF EXISTS " + SqlQuote.identifier(database) + " WITH (FORCE);\n"
        + "CREATE DATABASE " + SqlQuote.identifier(database) + ";\n";
  }

  public static String dropDatabase(String database) {
    return "DROP DATABASE IF EXISTS " + SqlQuote.identifier(database) + " WITH (FORCE);\n";
  }

  /** The expected tables that do not exist, one "schema.table" per line; no output when all exist. */
  public static String missingTablesQuery(List<String> expectedTables) {
    if (expectedTables.isEmpty()) {
      return "SELECT NULL WHERE false;\n";
    }
    String expected =
        expectedTables.stream().map(TableName::parse).map(TableName::sqlPair).collect(Collectors.joining(", "));
    return """
        SELECT e.schema_name || '.' || e.table_name
        FROM (VALUES %s) AS e(schema_name, table_name)
        WHERE NOT EXISTS (
          SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = e.schema_name AND c.relname = e.table_name AND c.relkind IN ('r', 'p'))
        ORDER BY 1;
        """.formatted(expected);
  }

  /**
   * A pg_dump pattern that matches exactly one name: double-quoted, so case and the wildcard
   * characters * ? . are taken literally.
   */
  public static String exactNamePattern(String name) {
    if (name.contains("\n")) {
      throw new IllegalArgumentException("a name in a pg_dump pattern cannot contain a newline");
    }
    return SqlQuote.identifier(name);
  }

  /** A cheap query whose failure tells the script that it cannot log in. */
  public static String connectionCheck() {
    return "SELECT 1;\n";
  }

  private static String selectionFilter(Selection s) {
    StringBuilder filter = new StringBuilder();
    if (!s.schemas().isEmpty()) {
      filter.append("\n    AND n.nspname IN (").append(literals(s.schemas())).append(")");
    }
    if (!s.excludeSchemas().isEmpty()) {
      filter.append("\n    AND n.nspname NOT IN (").append(literals(s.excludeSchemas())).append(")");
    }
    if (!s.tables().isEmpty()) {
      filter.append("\n    AND (n.nspname, c.relname) IN (").append(pairs(s.tables())).append(")");
    }
    if (!s.excludeTables().isEmpty()) {
      filter.append("\n    AND (n.nspname, c.relname) NOT IN (").append(pairs(s.excludeTables())).append(")");
    }
    return filter.toString();
  }

  private static String literals(List<String> values) {
    return values.stream().map(SqlQuote::literal).collect(Collectors.joining(", "));
  }

  private static String pairs(List<String> tables) {
    return tables.stream().map(TableName::parse).map(TableName::sqlPair).collect(Collectors.joining(", "));
  }
}
