package io.tradingdb.operator.kube;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Kubernetes recommended labels, and the selector the operator's informers use. */
public final class Labels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String OPERATOR = "tradingdb-operator";
  /** Informers cache only objects carrying this label, never unrelated Secrets or ConfigMaps. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  /**
   * Labels for an object that belongs to {@code instance} (the custom resource's name) and plays
   * {@code component} (for example "postgresql", "pooler", "backup").
   */
  public static Map<String, String> of(String kindName, String instance, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, kindName);
    labels.put(INSTANCE, instance);
    labels.put(COMPONENT, component);
    labels.put(PART_OF, "tradingdb");
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  /** The subset of {@link #of} that is stable for the object's life, fit for selectors. */
  public static Map<String, String> selector(String kindName, String instance, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, kindName);
    labels.put(INSTANCE, instance);
    labels.put(COMPONENT, component);
    return labels;
  }
}
