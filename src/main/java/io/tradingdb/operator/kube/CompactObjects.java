package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Makes a decoded Kubernetes object smaller in place before an informer cache keeps it. Measured at
 * 1,000 TradingDatabases (issue 18): three quarters of a million Strings were most of the live heap,
 * mostly equal copies (namespaces, label values, owner names and uids, field manager names), and each
 * of 180,000 model objects carried an empty {@code additionalProperties} map. This shares equal
 * Strings ({@link String#intern()}), turns maps of Strings (labels, selectors, annotations) into one
 * shared immutable map per distinct content, replaces every empty {@code additionalProperties} map
 * and empty list with one shared immutable instance and trims list capacities.
 *
 * <p>Cached objects are read, never written (a write now throws): the SDK clones a primary before
 * a reconcile, and builders copy maps and lists ({@code new XBuilder(cached)}). Secret data stays
 * as decoded: it is unique per Secret.
 */
public final class CompactObjects {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model.";
  private static final Map<String, Object> NO_PROPERTIES = Collections.emptyMap();
  private static final List<Object> NO_ITEMS = List.of();
  private static final Map<Map<String, String>, WeakReference<Map<String, String>>> MAPS = new WeakHashMap<>();
  /** Values unique to one object: interning them would only add entries to the JVM's string table. */
  private static final Map<Class<?>, Set<String>> UNIQUE = Map.of(
      ObjectMeta.class, Set.of("name", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generateName"),
      ManagedFieldsEntry.class, Set.of("time"),
      Secret.class, Set.of("data", "stringData"));
  private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
    @Override
    protected Field[] computeValue(Class<?> type) {
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()
              || UNIQUE.getOrDefault(c, Set.of()).contains(f.getName())) {
            continue;
          }
          f.setAccessible(true);
          fields.add(f);
        }
      }
      return fields.toArray(Field[]::new);
    }
  };

  private CompactObjects() {}

  /** The same object, with its equal Strings shared and its empty extras dropped. */
  public static <T> T compact(T object) {
    if (object != null) {
      walk(object);
    }
    return object;
  }

  /** The Strings an informer cache's own bookkeeping keeps beside the object: shared as well. */
  public static String shared(String value) {
    return value == null ? null : value.intern();
  }

  /** Kubernetes model objects (Quantity and IntOrString are no KubernetesResource); field sets stay shared. */
  private static boolean onlyStrings(Map<?, ?> map) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Labels, selectors and annotations as one immutable map per distinct content: the objects of a
   * cluster carry the same labels, and an immutable map is a quarter of a LinkedHashMap's size.
   */
  private static Map<String, String> sharedMap(Map<String, String> map) {
    Map<String, String> copy = new HashMap<>(Math.max(2, map.size() * 4 / 3 + 1));
    map.forEach((k, v) -> copy.put(k.intern(), v.intern()));
    Map<String, String> immutable = Map.copyOf(copy);
    synchronized (MAPS) {
      WeakReference<Map<String, String>> known = MAPS.get(immutable);
      Map<String, String> shared = known == null ? null : known.get();
      if (shared != null) {
        return shared;
      }
      MAPS.put(immutable, new WeakReference<>(immutable));
      return immutable;
    }
  }

  private static boolean isModel(Object value) {
    return (value instanceof KubernetesResource || value.getClass().getName().startsWith(MODEL_PACKAGE))
        && !(value instanceof FieldsV1);
  }

  private static void walk(Object object) {
    for (Field field : FIELDS.get(object.getClass())) {
      try {
        Object value = field.get(object);
        Object replacement = compactValue(field.getName(), value);
        if (replacement != value) {
          field.set(object, replacement);
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot compact " + field, e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Object compactValue(String fieldName, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s.intern();
    }
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return "additionalProperties".equals(fieldName) ? NO_PROPERTIES : map;
      }
      if (onlyStrings(map)) {
        return sharedMap((Map<String, String>) map);
      }
      try {
        ((Map<Object, Object>) map).replaceAll((k, v) -> compactValue(null, v));
      } catch (UnsupportedOperationException immutable) {
        // an immutable map a transformer built (already small): left as it is
      }
      return map;
    }
    if (value instanceof List<?> list) {
      if (list.isEmpty() && list instanceof ArrayList<?>) {
        return NO_ITEMS;
      }
      try {
        ((List<Object>) list).replaceAll(v -> compactValue(null, v));
      } catch (UnsupportedOperationException immutable) {
        list.forEach(v -> compactValue(null, v));
      }
      if (list instanceof ArrayList<?> arrayList) {
        arrayList.trimToSize();
      }
      return list;
    }
    if (isModel(value)) {
      walk(value);
    }
    return value;
  }
}
