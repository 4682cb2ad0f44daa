package io.tradingdb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every sample parses into the Java model and resolves without an operator-side error. */
class SamplesTest {

  static List<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("samples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everySampleIsATradingdbResourceThatResolves() throws IOException {
    List<Path> files = samples();
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        HasMetadata resource = Serialization.unmarshal(in);
        assertThat(resource.getApiVersion()).as(file.toString()).isEqualTo("tradingdb.io/v1alpha1");
        resource.getMetadata().setNamespace("samples");
        if (resource instanceof TradingDatabase db) {
          assertThat(ClusterModel.from(db).databaseName()).isEqualTo("ai_trading");
        } else if (resource instanceof io.tradingdb.operator.api.v1alpha1.dbuser.DbUser user) {
          assertThat(io.tradingdb.operator.dbuser.DbUserModel.from(user)).isNotNull();
        } else if (resource instanceof io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule schedule) {
          var target = new io.tradingdb.operator.postgres.ConnectionTarget("db-rw.samples.svc", 5432, "ai_trading",
              "verify-full", "db-superuser", "username", "password", "db-tls", "ca.crt", null, 0);
          TradingDatabase cluster = schedule.getSpec().getTarget().getTradingDatabase() == null ? null
              : sampleCluster(schedule.getSpec().getTarget().getTradingDatabase().getName());
          assertThat(io.tradingdb.operator.backup.BackupModel.from(schedule, target, cluster)).isNotNull();
        }
      }
    }
  }

  /** The sample TradingDatabase of that name. */
  private static TradingDatabase sampleCluster(String name) throws IOException {
    for (Path file : samples()) {
      HasMetadata resource = Serialization.unmarshal(Files.readString(file));
      if (resource instanceof TradingDatabase db && name.equals(db.getMetadata().getName())) {
        db.getMetadata().setNamespace("samples");
        return db;
      }
    }
    throw new AssertionError("no sample TradingDatabase " + name);
  }

  @Test
  void productionSampleFollowsTheGuide() throws IOException {
    TradingDatabase db =
        Serialization.unmarshal(Files.readString(Path.of("samples/tradingdatabase-production.yaml")), TradingDatabase.class);
    db.getMetadata().setNamespace("samples");
    ClusterModel model = ClusterModel.from(db);
    assertThat(model.instances()).isEqualTo(3);
    assertThat(model.highlyAvailable()).isTrue();
    assertThat(model.pooler().enabled()).isTrue();
    assertThat(model.pooler().poolMode()).isEqualTo("transaction");
    assertThat(model.monitoring().connectionsPercent()).isEqualTo(80);
    assertThat(model.monitoring().databaseSizeGiB()).isEqualTo(50.0);
    assertThat(model.postgresParameters()).containsEntry("timescaledb.telemetry_level", "off");
    assertThat(model.pgBackRest()).as("production archives WAL for point-in-time recovery").isPresent();
  }
}
