package io.tradingdb.operator.api.v1alpha1.common;

/** The one spelling of a duration and of a size in every field of the API (kube/Durations parses the first). */
public final class Formats {

  /** 30s, 90m, 1h30m, 7d: digits and a unit, repeated; a day is 24 hours. */
  public static final String DURATION = "^([0-9]+(s|m|h|d))+$";

  /** A Kubernetes quantity without sign or exponent: 50Gi, 32Mi, 500M, 1024. */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$";

  private Formats() {}
}
