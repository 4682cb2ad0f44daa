package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.util.List;

/**
 * What keeps a PVC repository from working, said before WAL piles up: the claim must exist, and
 * every instance (and the backup Jobs) mounts it, so more than one pod needs ReadWriteMany.
 */
public final class PgBackRestRepositoryCheck {

  private PgBackRestRepositoryCheck() {}

  /** {@code claim} is the repository's claim as read from the API, null when it does not exist. */
  public static List<String> problems(ClusterModel model, PersistentVolumeClaim claim) {
    var pgBackRest = model.pgBackRest().orElse(null);
    if (pgBackRest == null || pgBackRest.storage().pvc() == null) {
      return List.of();
    }
    String name = pgBackRest.storage().pvc().claimName();
    if (claim == null) {
      return List.of("the pgBackRest repository PersistentVolumeClaim " + name
          + " does not exist: the instances cannot start and WAL cannot be archived until it does");
    }
    List<String> modes = claim.getSpec() == null || claim.getSpec().getAccessModes() == null
        ? List.of() : claim.getSpec().getAccessModes();
    if (model.instances() > 1 && !modes.contains("ReadWriteMany")) {
      return List.of("the pgBackRest repository PersistentVolumeClaim " + name + " is " + modes
          + ", but " + model.instances() + " instances and the backup Jobs mount it: use a ReadWriteMany "
          + "claim, or an S3 repository");
    }
    return List.of();
  }
}
