package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Growing volumes. A StatefulSet's volumeClaimTemplates cannot change, so a larger size is applied
 * to each existing claim instead, when its StorageClass allows expansion; otherwise the status says
 * what could not be applied. Shrinking is refused by the CRD.
 */
public final class VolumeExpansion {

  /** One claim to patch to a new requested size. */
  public record Resize(String claimName, String newSize) {}

  /** What to patch, and what cannot be done with a reason for the user. */
  public record Plan(List<Resize> resizes, List<String> pending) {}

  private VolumeExpansion() {}

  /**
   * @param claims the cluster's claims (created by the StatefulSet from its templates)
   * @param expandable whether a StorageClass (by name) has allowVolumeExpansion
   */
  public static Plan plan(
      ClusterModel model, List<PersistentVolumeClaim> claims, Predicate<String> expandable) {
    Map<String, String> wanted = new java.util.LinkedHashMap<>();
    wanted.put(ClusterNames.DATA_VOLUME, model.data().size());
    model.wal().ifPresent(w -> wanted.put(ClusterNames.WAL_VOLUME, w.size()));
    List<Resize> resizes = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    List<PersistentVolumeClaim> sorted = new ArrayList<>(claims);
    sorted.sort(Comparator.comparing(c -> c.getMetadata().getName()));
    for (PersistentVolumeClaim claim : sorted) {
      String name = claim.getMetadata().getName();
      String template = model.names().volumeTemplateOf(name);
      if (template == null || !wanted.containsKey(template)) {
        continue;
      }
      Quantity requested = claim.getSpec().getResources().getRequests().get("storage");
      BigDecimal want = Quantity.getAmountInBytes(new Quantity(wanted.get(template)));
      if (requested != null && Quantity.getAmountInBytes(requested).compareTo(want) >= 0) {
        continue;
      }
      String storageClass = claim.getSpec().getStorageClassName();
      if (storageClass != null && expandable.test(storageClass)) {
        resizes.add(new Resize(name, wanted.get(template)));
      } else {
        pending.add(
            "volume " + name + " stays at " + requested + ": storage class "
                + (storageClass == null ? "(none)" : "'" + storageClass + "'")
                + " does not allow volume expansion (requested " + wanted.get(template) + ")");
      }
    }
    return new Plan(List.copyOf(resizes), List.copyOf(pending));
  }

}
