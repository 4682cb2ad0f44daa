package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.kube.InvalidSpecException;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.PostgresqlSpec;

/**
 * Values of postgresql and pgBouncer parameters. Both files are line based: a line break (or any
 * other control character) in a value would start a setting of its own, so none gets through. The
 * CRD checks only the length ({@link PostgresqlSpec#VALUES_RULE} says why); this is the check of the characters.
 */
public final class ParameterValues {

  public static final int MAX_LENGTH = PostgresqlSpec.VALUE_MAX_LENGTH;

  private ParameterValues() {}

  /** The value, or InvalidSpecException naming the field when it is missing, too long or not one printable line. */
  public static String check(String field, String value) {
    if (value == null) {
      throw new InvalidSpecException(field + " needs a value");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidSpecException(field + " is longer than " + MAX_LENGTH + " characters");
    }
    if (value.codePoints().anyMatch(ParameterValues::isControl)) {
      throw new InvalidSpecException(field + " must be a single line of printable text (no line break or control character)");
    }
    return value;
  }

  /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators YAML also breaks lines at. */
  static boolean isControl(int c) {
    return Character.getType(c) == Character.CONTROL || c == 0x2028 || c == 0x2029;
  }

  /** A name as it may appear in a message: control characters shown as \\uXXXX, at most 80 characters. */
  static String printable(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(80).forEach(c -> {
      if (isControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return text.length() > 80 ? out + "..." : out.toString();
  }
}
