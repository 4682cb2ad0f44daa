package io.tradingdb.operator.tradingdatabase.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tradingdb.operator.postgres.ExporterQueries;
import io.tradingdb.operator.postgres.MonitoringRoleSetup;
import io.tradingdb.operator.testsupport.TestPostgres;
import io.tradingdb.operator.tradingdatabase.pooler.LocalProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every query in monitoring/queries.yaml runs on the real PostgreSQL as the least-privilege
 * monitoring login and returns the columns it declares; then Debian's postgres_exporter runs the
 * same file and its /metrics carries the series.
 */
class ExporterQueriesIT {

  private static final String EXPORTER = "/usr/bin/prometheus-postgres-exporter";
  /** Queries that return nothing on a single server without replicas. */
  private static final List<String> EMPTY_WITHOUT_REPLICAS = List.of("tradingdb_replication");

  private static String database;
  private static String monitorPassword;

  @BeforeAll
  static void prepare() throws SQLException {
    database = TestPostgres.createDatabase("exporter");
    monitorPassword = LocalProcesses.randomPassword();
    try (Connection admin = TestPostgres.connectAsAdmin(database); Statement s = admin.createStatement()) {
      MonitoringRoleSetup.apply(admin, database, monitorPassword);
      s.execute("CREATE TABLE ticks (id bigserial PRIMARY KEY, symbol text, price numeric)");
      s.execute("CREATE INDEX ticks_symbol ON ticks (symbol)");
      s.execute("INSERT INTO ticks (symbol, price) SELECT 'ES', g FROM generate_series(1, 5000) g");
      s.execute("DELETE FROM ticks WHERE id % 2 = 0");
      s.execute("SELECT count(*) FROM ticks WHERE price > 10");
      s.execute("ANALYZE ticks");
    }
  }

  @AfterAll
  static void drop() throws SQLException {
    TestPostgres.dropDatabase(database);
  }

  @Test
  void everyQueryReturnsItsDeclaredColumnsAsTheMonitoringLogin() throws SQLException {
    List<String> withRows = new ArrayList<>();
    try (Connection monitor = TestPostgres.connect(database, MonitoringRoleSetup.ROLE, monitorPassword);
        Statement s = monitor.createStatement()) {
      for (ExporterQueries.Query query : ExporterQueries.all().values()) {
        try (ResultSet rs = s.executeQuery(query.sql())) {
          ResultSetMetaData meta = rs.getMetaData();
          List<String> columns = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
          }
          assertThat(columns).as(query.name()).containsExactlyElementsOf(query.columnNames());
          int rows = 0;
          while (rs.next()) {
            rows++;
            for (ExporterQueries.Column column : query.columns()) {
              assertThat(rs.getObject(column.name())).as(query.name() + "." + column.name()).isNotNull();
              if (!"LABEL".equals(column.usage())) {
                assertThat(rs.getBigDecimal(column.name())).as(query.name() + "." + column.name()).isNotNull();
              }
            }
          }
          if (rows > 0) {
            withRows.add(query.name());
          }
        }
      }
    }
    List<String> expected = new ArrayList<>(ExporterQueries.all().keySet());
    expected.removeAll(EMPTY_WITHOUT_REPLICAS);
    assertThat(withRows).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void slowQueriesSeeStatementsFromOtherRoles() throws SQLException {
    try (Connection monitor = TestPostgres.connect(database, MonitoringRoleSetup.ROLE, monitorPassword);
        Statement s = monitor.createStatement();
        ResultSet rs = s.executeQuery(ExporterQueries.get("tradingdb_slow_queries").sql())) {
      List<String> texts = new ArrayList<>();
      while (rs.next()) {
        texts.add(rs.getString("query"));
      }
      // pg_monitor includes pg_read_all_stats: the superuser's statements are visible, not hidden.
      assertThat(texts).isNotEmpty().noneMatch(t -> t.contains("insufficient privilege"));
    }
  }

  @Test
  void debianPostgresExporterServesTheCustomMetrics() throws Exception {
    LocalProcesses.requireBinary(EXPORTER, "prometheus-postgres-exporter");
    Path dir = Files.createTempDirectory("tradingdb-exporter");
    Path queries = dir.resolve("queries.yaml");
    Files.writeString(queries, ExporterQueries.text());
    int port = LocalProcesses.freePort();
    ProcessBuilder builder = new ProcessBuilder(
        EXPORTER, "--extend.query-path=" + queries, "--web.listen-address=127.0.0.1:" + port,
        "--no-collector.database", "--disable-settings-metrics")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("exporter.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("DATA_SOURCE_URI", TestPostgres.host() + ":" + TestPostgres.port() + "/" + database + "?sslmode=disable");
    env.put("DATA_SOURCE_USER", MonitoringRoleSetup.ROLE);
    env.put("DATA_SOURCE_PASS", monitorPassword);
    Process exporter = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(20)).build();
      String[] body = new String[1];
      await("postgres_exporter answers on 127.0.0.1:" + port)
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> {
            body[0] = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            return body[0].contains("tradingdb_connections_max");
          });
      String metrics = body[0];
      assertThat(metrics).as(Files.readString(dir.resolve("exporter.log")))
          .contains("pg_up 1", "pg_exporter_user_queries_load_error{")
          .doesNotContainPattern("pg_exporter_user_queries_load_error\\{[^}]*\\} 1");
      assertThat(metrics).containsPattern("pg_exporter_last_scrape_error 0");
      for (ExporterQueries.Query query : ExporterQueries.all().values()) {
        if (EMPTY_WITHOUT_REPLICAS.contains(query.name())) {
          continue;
        }
        for (ExporterQueries.Column column : query.columns()) {
          if (!"LABEL".equals(column.usage())) {
            assertThat(metrics).as("series for " + query.name() + "." + column.name())
                .containsPattern("(?m)^" + query.name() + "_" + column.name() + "[{ ]");
          }
        }
      }
      assertThat(metrics).containsPattern(
          "tradingdb_table_size_total_bytes\\{[^}]*relname=\"ticks\"[^}]*\\} [1-9]");
    } finally {
      exporter.destroy();
      exporter.waitFor();
      LocalProcesses.deleteTree(dir);
    }
  }
}
