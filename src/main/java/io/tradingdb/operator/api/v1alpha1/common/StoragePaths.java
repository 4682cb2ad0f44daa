package io.tradingdb.operator.api.v1alpha1.common;

/**
 * Paths inside backup storage (an S3 prefix, a volume's subPath): one rule for both, in the CRD and
 * in the operator, so neither can climb out of the folder it names.
 */
public final class StoragePaths {

  /** CEL on the path string; the message names the field. */
  public static final String NO_PARENT_RULE = "!self.contains('..')";

  private StoragePaths() {}

  /** Null when the path is acceptable, otherwise the reason for the user. */
  public static String problem(String field, String path) {
    return path != null && path.contains("..") ? field + " may not contain '..'" : null;
  }
}
