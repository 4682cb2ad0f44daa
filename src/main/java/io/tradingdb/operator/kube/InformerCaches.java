package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What the informer caches keep of an object: what the reconcilers read, nothing more. Measured at
 * 1,000 TradingDatabases, other field managers' {@code managedFields} entries and whole pod specs
 * were most of the heap (issue 18). The functions change the object they get (a freshly decoded
 * watch event) or return a smaller copy; the caches use them through a {@link CompactItemStore}.
 */
public final class InformerCaches {

  /**
   * Items per page of an informer's initial (and re-)list. Without a limit the API server sends every
   * object of a kind in one response, which is parsed whole before the item stores prune it: at 1,000
   * TradingDatabases a restart listed 4,000 Secrets at once and ran out of heap (issue 18). A page
   * bounds that transient, but every informer lists at once at start-up (about a dozen kinds): with
   * pages of 500 a restart at 1,000 still ran out of heap. Pages of 100 cost a few more requests.
   */
  public static final long LIST_LIMIT = 100L;

  /** Written by client-side {@code kubectl apply}: a second copy of the whole spec, read by nobody here. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final Map<Map<String, Object>, WeakReference<Map<String, Object>>> FIELD_TREES = new WeakHashMap<>();
  /** What a ConfigMap's data value becomes in the cache: its SHA-256, marked so it is never taken for content. */
  static final String DIGEST_PREFIX = "tradingdb.io/sha256:";

  private InformerCaches() {}

  /**
   * Drops every {@code managedFields} entry except {@code manager}'s server-side apply: the SDK's
   * SSA matcher compares the object with that one entry to decide whether to apply again.
   */
  public static <R extends HasMetadata> R keepOwnApplyEntry(R object, String manager) {
    ObjectMeta metadata = object.getMetadata();
    List<ManagedFieldsEntry> entries = metadata.getManagedFields();
    if (entries != null && !entries.isEmpty()) {
      List<ManagedFieldsEntry> own = entries.stream()
          .filter(e -> manager.equals(e.getManager())
              && SSABasedGenericKubernetesResourceMatcher.APPLY_OPERATION.equals(e.getOperation()))
          .peek(e -> e.setFieldsV1(interned(e.getFieldsV1())))
          .toList();
      metadata.setManagedFields(own.isEmpty() ? null : own);
    }
    return object;
  }

  /**
   * The field set with every subtree shared with equal subtrees of other cached objects. The only
   * part unique to an object is the path to its owner's uid ({@code f:metadata/f:ownerReferences/
   * k:{"uid":...}}), so 1,000 StatefulSets hold three small maps each and one shared tree of a few
   * hundred maps for the rest, instead of 1,000 whole trees (measured: most generic maps in the heap
   * at 1,000 TradingDatabases). Weak: a subtree goes when no cached object uses it. Nothing writes to
   * it (the SDK's matcher only reads it).
   */
  static FieldsV1 interned(FieldsV1 fields) {
    if (fields == null) {
      return null;
    }
    FieldsV1 shared = new FieldsV1();
    synchronized (FIELD_TREES) {
      fields.getAdditionalProperties().forEach((key, value) -> shared.setAdditionalProperty(key, canonical(value)));
    }
    return shared;
  }

  /** Bottom-up: children first, so equal maps compare their already shared children by identity. */
  @SuppressWarnings("unchecked")
  private static Object canonical(Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(2, map.size() * 4 / 3 + 1));
    ((Map<String, Object>) map).forEach((key, value) -> copy.put(key, canonical(value)));
    WeakReference<Map<String, Object>> known = FIELD_TREES.get(copy);
    Map<String, Object> shared = known == null ? null : known.get();
    if (shared != null) {
      return shared;
    }
    FIELD_TREES.put(copy, new WeakReference<>(copy));
    return copy;
  }

  /** An object that is read but never applied: no field manager entry is of use. */
  public static <R extends HasMetadata> R withoutManagedFields(R object) {
    object.getMetadata().setManagedFields(null);
    return object;
  }

  /** The custom resources themselves: no managed fields and no client-side apply copy of the spec. */
  public static <R extends HasMetadata> R primary(R object) {
    withoutManagedFields(object);
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      annotations.remove(LAST_APPLIED);
    }
    return object;
  }

  /**
   * A pod as the TradingDatabase reconciler reads it: name, labels (Patroni's role) and whether it
   * is being deleted. The spec and status of 1,000s of pods were never read.
   */
  public static Pod podMetadata(Pod pod) {
    Pod slim = new Pod();
    slim.setMetadata(identity(pod.getMetadata())
        .withLabels(pod.getMetadata().getLabels())
        .withDeletionTimestamp(pod.getMetadata().getDeletionTimestamp())
        .withOwnerReferences(pod.getMetadata().getOwnerReferences())
        .build());
    List<ContainerStatus> waiting = waitingContainers(pod);
    if (!waiting.isEmpty()) {
      slim.setStatus(new PodStatusBuilder().withContainerStatuses(waiting).build());
    }
    return slim;
  }

  /**
   * A ConfigMap the operator applies, with each data value replaced by its digest: nothing reads a
   * ConfigMap's content back, and the Grafana dashboard and exporter queries of a cluster are 41 KB
   * of text (41 MB at 1,000 clusters, the largest item in the heap). The server-side apply matcher
   * compares digests instead ({@link #withDataDigests} on both sides).
   */
  public static ConfigMap configMapDigests(ConfigMap configMap, String manager) {
    keepOwnApplyEntry(configMap, manager);
    if (configMap.getData() != null) {
      configMap.setData(digests(configMap.getData(), InformerCaches::digest));
    }
    return configMap;
  }

  /** A shallow copy whose data values are digests; values that already are stay as they are. */
  public static ConfigMap withDataDigests(ConfigMap configMap) {
    return withDataDigests(configMap, InformerCaches::digest);
  }

  /**
   * A shallow copy whose data values are replaced by {@code digest}: {@link #digest} itself, or a
   * function that knows a value's digest without hashing it again (the dashboard's, per cluster).
   */
  public static ConfigMap withDataDigests(ConfigMap configMap, UnaryOperator<String> digest) {
    if (configMap == null || configMap.getData() == null) {
      return configMap;
    }
    ConfigMap copy = new ConfigMap(configMap.getApiVersion(), configMap.getBinaryData(), null,
        configMap.getImmutable(), configMap.getKind(), configMap.getMetadata());
    copy.setData(digests(configMap.getData(), digest));
    return copy;
  }

  private static Map<String, String> digests(Map<String, String> data, UnaryOperator<String> digest) {
    Map<String, String> digested = new LinkedHashMap<>(Math.max(2, data.size() * 4 / 3 + 1));
    data.forEach((key, value) -> digested.put(key, digest.apply(value)));
    return digested;
  }

  /** The digest the caches hold in place of a ConfigMap value; a value that is one stays as it is. */
  public static String digest(String value) {
    if (value == null || value.startsWith(DIGEST_PREFIX)) {
      return value;
    }
    return DIGEST_PREFIX + Digests.sha256Hex(value);
  }

  /**
   * The containers of a pod that wait for a reason a user must act on (CrashLoopBackOff,
   * ImagePullBackOff, ...), each as its name and that reason only: what status reports when an
   * instance cannot start. ContainerCreating and PodInitializing are progress, not problems.
   */
  public static List<ContainerStatus> waitingContainers(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> c.getState() != null && c.getState().getWaiting() != null
            && c.getState().getWaiting().getReason() != null
            && !Set.of("ContainerCreating", "PodInitializing").contains(c.getState().getWaiting().getReason()))
        .map(c -> new ContainerStatusBuilder().withName(c.getName())
            .withNewState().withNewWaiting().withReason(c.getState().getWaiting().getReason()).endWaiting().endState()
            .build())
        .toList();
  }

  /** A volume claim as volume expansion reads it: metadata and spec. */
  public static PersistentVolumeClaim claimSpec(PersistentVolumeClaim claim) {
    withoutManagedFields(claim);
    claim.setStatus(null);
    return claim;
  }

  /** Only what identifies the object and its version: for informers that exist to trigger reconciles. */
  public static <R extends HasMetadata> R identityOnly(R object, Supplier<R> factory) {
    R slim = factory.get();
    slim.setMetadata(identity(object.getMetadata()).build());
    return slim;
  }

  private static ObjectMetaBuilder identity(ObjectMeta metadata) {
    return new ObjectMetaBuilder()
        .withName(metadata.getName())
        .withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid())
        .withResourceVersion(metadata.getResourceVersion())
        .withGeneration(metadata.getGeneration());
  }
}
