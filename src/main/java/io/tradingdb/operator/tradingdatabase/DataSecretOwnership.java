package io.tradingdb.operator.tradingdatabase;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.kube.Owners;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Secrets that belong to the data rather than to the TradingDatabase object: the generated
 * superuser and replication passwords, the pooler's and the exporter's logins, and the cluster's
 * CA. They are owned by the TradingDatabase and also by the first instance's data claim, so the
 * garbage collector deletes them only when both are gone: with {@code volumeDeletionPolicy: Retain}
 * a TradingDatabase re-created with the same name finds the passwords its data directory holds
 * and the CA its clients saved; with {@code Delete} they go with the volumes.
 */
public final class DataSecretOwnership {

  /** A JSON Patch whose {@code test} failed; the patch carries no precondition that could give 409. */
  private static final int HTTP_UNPROCESSABLE = 422;

  private DataSecretOwnership() {}

  /** The Secrets bound to the data; those the operator did not make are never in its cache. */
  public static List<String> secretNames(ClusterNames names) {
    return List.of(names.superuserSecret(), names.replicationSecret(), names.caSecret(),
        names.poolerAuthSecret(), names.monitoringSecret());
  }

  /** The claim of instance 0's data volume, which exists as long as the cluster's data does. */
  public static String dataClaimName(ClusterNames names) {
    return ClusterNames.DATA_VOLUME + "-" + names.statefulSet() + "-0";
  }

  /**
   * The owner references the Secret should carry, or empty when it already does: the current
   * TradingDatabase as controller, the data claim as a plain owner, and any foreign owner as it
   * was. A reference to an earlier TradingDatabase of the same name (another uid) is dropped.
   */
  public static Optional<List<OwnerReference>> wanted(Secret secret, TradingDatabase db, PersistentVolumeClaim claim) {
    List<OwnerReference> existing = secret.getMetadata().getOwnerReferences() == null
        ? List.of() : secret.getMetadata().getOwnerReferences();
    List<OwnerReference> wanted = new ArrayList<>();
    wanted.add(Owners.controllerReference(db));
    wanted.add(new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind("PersistentVolumeClaim")
        .withName(claim.getMetadata().getName())
        .withUid(claim.getMetadata().getUid())
        .build());
    for (OwnerReference ref : existing) {
      boolean ours = db.getKind().equals(ref.getKind()) || "PersistentVolumeClaim".equals(ref.getKind());
      if (!ours) {
        wanted.add(ref);
      }
    }
    return sameOwners(existing, wanted) ? Optional.empty() : Optional.of(wanted);
  }

  private static boolean sameOwners(List<OwnerReference> a, List<OwnerReference> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (OwnerReference ref : b) {
      boolean found = a.stream().anyMatch(r -> Objects.equals(r.getUid(), ref.getUid())
          && Objects.equals(r.getKind(), ref.getKind())
          && Objects.equals(Boolean.TRUE.equals(r.getController()), Boolean.TRUE.equals(ref.getController())));
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /**
   * Binds each cached data Secret to the claim once the claim exists; writes only what differs.
   *
   * @param cachedSecret the operator's cached Secret of that name, if any
   * @return how many Secrets were patched
   */
  public static int reconcile(KubernetesClient client, TradingDatabase db, ClusterNames names,
      List<PersistentVolumeClaim> claims, Function<String, Optional<Secret>> cachedSecret) {
    String claimName = dataClaimName(names);
    PersistentVolumeClaim claim = claims.stream()
        .filter(c -> claimName.equals(c.getMetadata().getName()) && c.getMetadata().getUid() != null
            && c.getMetadata().getDeletionTimestamp() == null)
        .findFirst().orElse(null);
    if (claim == null) {
      return 0;
    }
    int patched = 0;
    for (String name : secretNames(names)) {
      Optional<Secret> secret = cachedSecret.apply(name);
      if (secret.isPresent() && bind(client, secret.get(), db, claim, true)) {
        patched++;
      }
    }
    return patched;
  }

  /**
   * Replaces the Secret's owner list with the wanted one, provided the API server still has the list
   * it was computed from: one JSON Patch, a {@code test} of the current list and a {@code replace},
   * with no read first and no {@code resourceVersion}, so a write to anything else in the Secret
   * (a rotated password, a label) cannot make it fail. When the list did change (the cache was
   * behind, or someone else added an owner), the server refuses the test; the Secret is then read and
   * the same patch made against what it holds, once.
   */
  private static boolean bind(KubernetesClient client, Secret secret, TradingDatabase db, PersistentVolumeClaim claim,
      boolean fromCache) {
    List<OwnerReference> current = secret.getMetadata().getOwnerReferences();
    Optional<List<OwnerReference>> wanted = wanted(secret, db, claim);
    if (wanted.isEmpty()) {
      return false;
    }
    var secrets = client.secrets().inNamespace(secret.getMetadata().getNamespace());
    var named = secrets.withName(secret.getMetadata().getName());
    if (current == null || current.isEmpty()) {
      // JSON Patch cannot test that a member is absent: read, modify, write
      named.edit(s -> new SecretBuilder(s).editMetadata().withOwnerReferences(wanted.get()).endMetadata().build());
      return true;
    }
    try {
      // given the object, fabric8 takes its name from it instead of reading it from the server first
      secrets.resource(secret).patch(PatchContext.of(PatchType.JSON), ownersPatch(client, current, wanted.get()));
      return true;
    } catch (KubernetesClientException e) {
      if (!fromCache || e.getCode() != HTTP_UNPROCESSABLE) {
        throw e;
      }
    }
    Secret live = named.get();
    return live != null && bind(client, live, db, claim, false);
  }

  /** The JSON Patch (RFC 6902) that replaces {@code current} owner references with {@code wanted}. */
  static String ownersPatch(KubernetesClient client, List<OwnerReference> current, List<OwnerReference> wanted) {
    String path = "/metadata/ownerReferences";
    return client.getKubernetesSerialization().asJson(List.of(
        Map.of("op", "test", "path", path, "value", current),
        Map.of("op", "replace", "path", path, "value", wanted)));
  }
}
