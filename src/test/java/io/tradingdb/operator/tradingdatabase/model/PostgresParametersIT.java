package io.tradingdb.operator.tradingdatabase.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.model.PostgresParameters.Parameter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classification in postgresql-parameters.tsv against the real server's pg_settings: every parameter the
 * server has is classified (with the server's context, type and category), and every parameter of the dangerous
 * kinds (runs a command, loads code, names a server file, TLS, authentication, recovery, developer options) is
 * denied unless reviewed below. A new PostgreSQL release makes this fail until its parameters are reviewed.
 */
class PostgresParametersIT {

  /** Dangerous by name: commands, libraries, and files or folders on the server. */
  private static final Pattern DANGEROUS_NAME =
      Pattern.compile("_command$|librar|_file$|_dir$|_directory$|_directories$|_path$|_keyfile$|_destdir$|^ssl");
  /** Dangerous by the group pg_settings files it under. */
  private static final List<String> DANGEROUS_CATEGORIES = List.of(
      "File Locations", "Connections and Authentication / SSL", "Connections and Authentication / Authentication",
      "Client Connection Defaults / Shared Library Preloading", "Write-Ahead Log / Archiving",
      "Write-Ahead Log / Archive Recovery", "Write-Ahead Log / Recovery Target", "Developer Options", "Preset Options");
  /** Reviewed exceptions: in a dangerous group, but a timeout only. */
  private static final Map<String, String> REVIEWED_ALLOWED = Map.of(
      "authentication_timeout", "how long a client may take to log in",
      "archive_timeout", "how often a WAL segment is closed; the archive command stays the operator's");

  record Setting(String name, String context, String vartype, String category) {
    String tsv() {
      return String.join("\t", name, context, vartype, category, "15", "?", "?");
    }
  }

  static List<Setting> settings = new ArrayList<>();
  static String serverVersion;

  @BeforeAll
  static void readPgSettings() throws SQLException {
    try (Connection c = TestPostgres.connectAsAdmin("postgres");
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT name, context, vartype, category, current_setting('server_version_num') FROM pg_settings ORDER BY name")) {
      while (rs.next()) {
        settings.add(new Setting(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        serverVersion = rs.getString(5);
      }
    }
    assertThat(settings).as("pg_settings of the test server").hasSizeGreaterThan(300);
  }

  @Test
  void everyParameterOfTheRealServerIsClassifiedAsTheServerDescribesIt() {
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (Setting s : settings) {
      if (s.name().contains(".")) {
        continue; // Custom settings of loaded libraries (pg_stat_statements.*): checked by prefix, not listed.
      }
      Parameter p = PostgresParameters.all().get(s.name().toLowerCase(Locale.ROOT));
      if (p == null) {
        missing.add(s.tsv());
      } else if (!(p.context().equals(s.context()) && p.vartype().equals(s.vartype()) && p.category().equals(s.category()))) {
        different.add(s.tsv() + "   (file: " + p.context() + ", " + p.vartype() + ", " + p.category() + ")");
      }
    }
    // The failure lists the rows to review and add, in the file's format.
    assertThat(missing).as("pg_settings rows of PostgreSQL %s missing from %s", serverVersion, PostgresParameters.RESOURCE)
        .isEmpty();
    assertThat(different).as("rows whose context, type or category differ from the server").isEmpty();
  }

  @Test
  void everyParameterOfADangerousKindIsDeniedUnlessReviewed() {
    List<String> allowedButDangerous = new ArrayList<>();
    int dangerous = 0;
    for (Setting s : settings) {
      boolean kind = DANGEROUS_NAME.matcher(s.name()).find() || DANGEROUS_CATEGORIES.contains(s.category())
          || s.context().equals("internal");
      if (!kind || s.name().contains(".")) {
        continue;
      }
      dangerous++;
      Parameter p = PostgresParameters.all().get(s.name().toLowerCase(Locale.ROOT));
      if ((p == null || p.allowed()) && !REVIEWED_ALLOWED.containsKey(s.name())) {
        allowedButDangerous.add(s.name() + " (" + s.category() + ")");
      }
    }
    // The findings are among what this check covers.
    assertThat(dangerous).isGreaterThan(80);
    assertThat(allowedButDangerous).as("dangerous-kind parameters not denied").isEmpty();
    for (String name : List.of("ssl_passphrase_command", "archive_library", "archive_cleanup_command",
        "recovery_end_command", "session_preload_libraries", "local_preload_libraries", "dynamic_library_path")) {
      assertThat(settings).extracting(Setting::name).contains(name);
      assertThat(PostgresParameters.all().get(name).allowed()).as(name).isFalse();
    }
  }
}
