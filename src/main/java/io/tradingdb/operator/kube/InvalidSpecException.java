package io.tradingdb.operator.kube;

/** A spec the schema accepted but the operator cannot run; the message is shown to the user. */
public class InvalidSpecException extends RuntimeException {
  public InvalidSpecException(String message) {
    super(message);
  }
}
