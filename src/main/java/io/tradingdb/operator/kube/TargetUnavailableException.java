package io.tradingdb.operator.kube;

/** A target that exists in the spec but not (yet) in the cluster; retried, not fatal. */
public class TargetUnavailableException extends RuntimeException {
  public TargetUnavailableException(String message) {
    super(message);
  }
}
