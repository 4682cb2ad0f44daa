package io.tradingdb.operator.backup;

import io.tradingdb.operator.kube.ClasspathText;
import io.tradingdb.operator.postgres.BackupSql;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The files of the scripts ConfigMap: the shell scripts from src/main/resources/backup and the SQL
 * they run, generated for one BackupSchedule. Tests materialise exactly these files.
 */
public final class BackupScripts {

  public static final String BACKUP = "backup.sh";
  public static final String RESTORE = "restore.sh";
  public static final String VERIFY = "verify.sh";
  public static final String PGBACKREST_BACKUP = "pgbackrest-backup.sh";
  public static final String PGBACKREST_VERIFY = "pgbackrest-verify.sh";
  /** The backup Job's pgbackrest.conf, in the scripts ConfigMap of a pgBackRest schedule. */
  public static final String PGBACKREST_CONF = "pgbackrest.conf";
  /** The result protocol every Job script reports through (see JobRun). */
  static final String RESULT_LIBRARY = "result.sh";
  static final List<String> SHELL_FILES = List.of(RESULT_LIBRARY, "lib.sh", BACKUP, RESTORE, VERIFY);
  static final List<String> PGBACKREST_SHELL_FILES =
      List.of(RESULT_LIBRARY, "pgbackrest-lib.sh", PGBACKREST_BACKUP, PGBACKREST_VERIFY);

  private BackupScripts() {}

  /** File name to content, sorted by name. */
  public static Map<String, String> files(BackupModel model) {
    Map<String, String> files = new TreeMap<>();
    if (model.pgBackRest() != null) {
      for (String script : PGBACKREST_SHELL_FILES) {
        files.put(script, resource(script));
      }
      files.put(PGBACKREST_CONF, BackupWorkloads.pgBackRestJobConfig(model));
      files.put("row-counts.sql", BackupSql.rowCountsQuery(model.dump().selection()));
      files.put("expected-tables-missing.sql", BackupSql.missingTablesQuery(model.verification().expectedTables()));
      return files;
    }
    for (String script : SHELL_FILES) {
      files.put(script, resource(script));
    }
    BackupSql.Selection selection = model.dump().selection();
    files.put("connection-check.sql", BackupSql.connectionCheck());
    files.put("snapshot-holder.sql", BackupSql.snapshotHolderScript());
    files.put("row-counts.sql", BackupSql.rowCountsQuery(selection));
    files.put("row-counts-in-snapshot.sql", BackupSql.rowCountsInSnapshotScript(selection));
    files.put("timescaledb-installed.sql", BackupSql.timescaledbInstalledQuery());
    files.put("timescaledb-pre-restore.sql", BackupSql.timescaledbPreRestore());
    files.put("timescaledb-post-restore.sql", BackupSql.timescaledbPostRestore());
    files.put("roles-missing.sql", BackupSql.rolesMissingQuery());
    if (!selection.isAll()) {
      files.put("hypertables-in-selection.sql", BackupSql.hypertablesInSelectionQuery(selection));
    }
    if (!selection.tables().isEmpty()) {
      files.put("include-tables.sql", BackupSql.tablesWithChildrenQuery(selection.tables()));
    }
    if (!selection.excludeTables().isEmpty()) {
      files.put("exclude-tables.sql", BackupSql.tablesWithChildrenQuery(selection.excludeTables()));
    }
    if (!selection.schemas().isEmpty()) {
      files.put("schemas.txt", patterns(selection.schemas()));
    }
    if (!selection.excludeSchemas().isEmpty()) {
      files.put("exclude-schemas.txt", patterns(selection.excludeSchemas()));
    }
    String scratch = model.verification().scratchDatabase();
    files.put("verify-recreate-database.sql", BackupSql.recreateDatabase(scratch));
    files.put("verify-drop-database.sql", BackupSql.dropDatabase(scratch));
    files.put("expected-tables-missing.sql", BackupSql.missingTablesQuery(model.verification().expectedTables()));
    return files;
  }

  private static String patterns(List<String> names) {
    return names.stream().map(BackupSql::exactNamePattern).collect(Collectors.joining("\n", "", "\n"));
  }

  static String resource(String name) {
    return ClasspathText.read("/backup/" + name);
  }
}
