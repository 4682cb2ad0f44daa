package io.tradingdb.operator.kube;

import io.tradingdb.operator.api.v1alpha1.common.Formats;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API's one duration format ({@link Formats#DURATION}): 30s, 90m, 1h30m, 7d. */
public final class Durations {

  private static final Pattern WHOLE = Pattern.compile(Formats.DURATION);
  private static final Pattern PART = Pattern.compile("([0-9]+)(s|m|h|d)");

  private Durations() {}

  /** @throws IllegalArgumentException when the text does not match the format (the schema refuses it first) */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 90m, 1h30m or 7d");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long amount = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(amount);
        case "h" -> Duration.ofHours(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofSeconds(amount);
      });
    }
    return total;
  }

  /**
   * The field's duration, its default when unset, checked against the field's range (CEL cannot
   * parse days, so the operator judges ranges).
   *
   * @param max null for no upper bound
   * @throws InvalidSpecException naming the field when it is malformed or out of range
   */
  public static Duration field(String field, String text, Duration defaultValue, Duration min, Duration max) {
    if (text == null) {
      return defaultValue;
    }
    Duration d;
    try {
      d = parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field + ": " + e.getMessage());
    }
    if (d.compareTo(min) < 0) {
      throw new InvalidSpecException(field + " must be at least " + describe(min));
    }
    if (max != null && d.compareTo(max) > 0) {
      throw new InvalidSpecException(field + " must be at most " + describe(max));
    }
    return d;
  }

  /** The shortest spelling in the same format: 1h, 90s, 7d. */
  public static String describe(Duration d) {
    long s = d.toSeconds();
    if (s % 86400 == 0) return s / 86400 + "d";
    if (s % 3600 == 0) return s / 3600 + "h";
    if (s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }
}
