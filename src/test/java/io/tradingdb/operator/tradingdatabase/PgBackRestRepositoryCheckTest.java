package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.tradingdb.operator.api.v1alpha1.common.BackupStorageSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PgBackRestRepositorySpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Samples;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import org.junit.jupiter.api.Test;

class PgBackRestRepositoryCheckTest {

  private static ClusterModel cluster(int instances) {
    TradingDatabase db = Samples.tradingDatabase("trading", "market");
    db.getSpec().setInstances(instances);
    BackupStorageSpec.PvcStorage pvc = new BackupStorageSpec.PvcStorage();
    pvc.setClaimName("wal-archive");
    BackupStorageSpec storage = new BackupStorageSpec();
    storage.setPvc(pvc);
    PgBackRestRepositorySpec spec = new PgBackRestRepositorySpec();
    spec.setRepository(storage);
    db.getSpec().setPgBackRest(spec);
    return ClusterModel.from(db);
  }

  private static PersistentVolumeClaim claim(String mode) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName("wal-archive").endMetadata()
        .withNewSpec().withAccessModes(mode).endSpec().build();
  }

  @Test
  void aMissingClaimIsNamed() {
    assertThat(PgBackRestRepositoryCheck.problems(cluster(1), null))
        .singleElement().asString().contains("wal-archive does not exist");
  }

  @Test
  void severalInstancesNeedReadWriteMany() {
    assertThat(PgBackRestRepositoryCheck.problems(cluster(3), claim("ReadWriteOnce")))
        .singleElement().asString().contains("[ReadWriteOnce]").contains("ReadWriteMany");
    assertThat(PgBackRestRepositoryCheck.problems(cluster(3), claim("ReadWriteMany"))).isEmpty();
    assertThat(PgBackRestRepositoryCheck.problems(cluster(1), claim("ReadWriteOnce"))).isEmpty();
  }

  @Test
  void s3RepositoriesAndClustersWithoutPgBackRestHaveNothingToCheck() {
    TradingDatabase db = Samples.tradingDatabase("trading", "plain");
    assertThat(PgBackRestRepositoryCheck.problems(ClusterModel.from(db), null)).isEmpty();
    db.getSpec().setPgBackRest(PgBackRestSamples.repository());
    assertThat(PgBackRestRepositoryCheck.problems(ClusterModel.from(db), null)).isEmpty();
  }
}
