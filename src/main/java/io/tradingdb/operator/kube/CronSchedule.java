package io.tradingdb.operator.kube;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A five-field cron expression as the Kubernetes CronJob controller reads it (minute hour
 * day-of-month month day-of-week, lists, ranges, steps, names and the @daily-style macros), used
 * to show the next run and to notice a missed one.
 */
public final class CronSchedule {

  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronSchedule(String[] fields) {
    minutes = field(fields[0], 0, 59, null);
    hours = field(fields[1], 0, 23, null);
    daysOfMonth = field(fields[2], 1, 31, null);
    months = field(fields[3], 1, 12, MONTHS);
    BitSet dow = field(fields[4], 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0);
    }
    daysOfWeek = dow;
    anyDayOfMonth = fields[2].startsWith("*") || fields[2].equals("?");
    anyDayOfWeek = fields[4].startsWith("*") || fields[4].equals("?");
  }

  /** @throws IllegalArgumentException with a message naming the bad field */
  public static CronSchedule parse(String expression) {
    String text = expression.trim();
    text = MACROS.getOrDefault(text.toLowerCase(Locale.ROOT), text);
    String[] fields = text.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("'" + expression + "' is not a five-field cron schedule");
    }
    return new CronSchedule(fields);
  }

  /** The first run strictly after {@code after}, in {@code zone}; null if none within 5 years. */
  public ZonedDateTime next(ZonedDateTime after, ZoneId zone) {
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t;
      }
    }
    return null;
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    // Standard cron: when both day fields are restricted, either may match.
    return dom || dow;
  }

  private static BitSet field(String text, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max, null, text);
      }
      int from;
      int to;
      if (range.equals("*") || range.equals("?")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        from = number(ends[0], min, max, names, text);
        to = number(ends[1], min, max, names, text);
      } else {
        from = number(range, min, max, names, text);
        to = slash >= 0 ? max : from;
      }
      if (from > to) {
        throw new IllegalArgumentException("cron field '" + text + "' has a range that runs backwards");
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String text, int min, int max, String[] names, String field) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(text)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new IllegalArgumentException("cron field '" + field + "': " + value + " is outside " + min + "-" + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cron field '" + field + "' is not understood", e);
    }
  }
}
