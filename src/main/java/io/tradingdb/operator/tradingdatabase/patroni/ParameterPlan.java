package io.tradingdb.operator.tradingdatabase.patroni;

import io.tradingdb.operator.tradingdatabase.model.PostgresParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What PATCH /config must send so the dynamic configuration in Patroni's DCS holds the desired
 * PostgreSQL parameters: the changed ones, and null for the ones to remove. Values PostgreSQL would
 * refuse are caught first, with PostgreSQL's own wording, and then nothing is sent: Patroni would
 * silently drop such a value (or clamp it) and the change would seem to do nothing.
 *
 * @param patch parameter name to new value (null removes it); empty when the DCS already matches
 * @param rejected one message per refused value; when not empty the patch is not to be sent
 */
public record ParameterPlan(Map<String, Object> patch, List<String> rejected) {

  /** PostgreSQL's defaults for the parameters of the reserved-connections check. */
  static final int DEFAULT_SUPERUSER_RESERVED = 3;
  static final int DEFAULT_RESERVED = 0;

  // parse_int and parse_real of PostgreSQL's guc.c: a number (decimal, hexadecimal, fractional or
  // with an exponent), then optional spaces and one of the units, case-sensitive as PostgreSQL has them.
  private static final Pattern NUMBER = Pattern.compile(
      "^\\s*[+-]?(0[xX][0-9a-fA-F]+|[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?|\\.[0-9]+([eE][+-]?[0-9]+)?)"
          + "\\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)?\\s*$");
  private static final List<String> BOOLEANS = List.of("true", "false", "yes", "no");

  public boolean changes() {
    return !patch.isEmpty();
  }

  /**
   * @param desired every parameter the DCS should hold (the operator's and the user's)
   * @param observed postgresql.parameters of GET /config (null when it has none)
   */
  public static ParameterPlan of(Map<String, Object> desired, Map<?, ?> observed) {
    List<String> rejected = check(desired);
    Map<String, Object> patch = new TreeMap<>();
    Map<String, Object> current = new LinkedHashMap<>();
    if (observed != null) {
      observed.forEach((k, v) -> current.put(String.valueOf(k), v));
    }
    desired.forEach((name, value) -> {
      if (!current.containsKey(name) || !sameValue(current.get(name), value)) {
        patch.put(name, value);
      }
    });
    current.keySet().stream().filter(name -> !desired.containsKey(name)).forEach(name -> patch.put(name, null));
    return new ParameterPlan(java.util.Collections.unmodifiableMap(patch), List.copyOf(rejected));
  }

  /** The body of PATCH /config. */
  public Map<String, Object> body() {
    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("parameters", new LinkedHashMap<>(patch));
    return Map.of("postgresql", postgresql);
  }

  /** postgresql.parameters of a GET /config answer, or null. */
  public static Map<String, Object> parametersOf(Map<String, Object> config) {
    if (config != null && config.get("postgresql") instanceof Map<?, ?> pg && pg.get("parameters") instanceof Map<?, ?> p) {
      Map<String, Object> parameters = new LinkedHashMap<>();
      p.forEach((k, v) -> parameters.put(String.valueOf(k), v));
      return parameters;
    }
    return null;
  }

  private static boolean sameValue(Object current, Object desired) {
    return Objects.equals(current == null ? null : current.toString(), desired == null ? null : desired.toString());
  }

  /** The values PostgreSQL would refuse, each with its message. */
  static List<String> check(Map<String, Object> desired) {
    List<String> rejected = new ArrayList<>();
    desired.forEach((name, value) -> {
      PostgresParameters.Parameter parameter = PostgresParameters.all().get(name.toLowerCase(Locale.ROOT));
      String text = value == null ? "" : value.toString();
      if (parameter == null) {
        return;
      }
      String problem = switch (parameter.vartype()) {
        case "integer", "real" -> NUMBER.matcher(text).matches() ? null
            : "invalid value for parameter \"" + name + "\": \"" + text + "\"";
        case "bool" -> bool(text) ? null : "parameter \"" + name + "\" requires a Boolean value";
        default -> null;
      };
      if (problem != null) {
        rejected.add(name + ": " + problem);
      }
    });
    Integer maxConnections = integer(desired.get("max_connections"));
    if (maxConnections != null) {
      Integer superuser = integer(desired.get("superuser_reserved_connections"));
      Integer reserved = integer(desired.get("reserved_connections"));
      int s = superuser == null ? DEFAULT_SUPERUSER_RESERVED : superuser;
      int r = reserved == null ? DEFAULT_RESERVED : reserved;
      if (s + r >= maxConnections) {
        // PostgreSQL 16 and later refuse to start with this message (15 names the superuser reserve only).
        rejected.add("max_connections: superuser_reserved_connections (" + s + ") plus reserved_connections ("
            + r + ") must be less than max_connections (" + maxConnections + ")");
      }
    }
    return rejected;
  }

  /** parse_bool of PostgreSQL: any prefix of true/false/yes/no, on, of(f), 1, 0; case does not matter. */
  static boolean bool(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      return false;
    }
    if (v.equals("1") || v.equals("0") || v.equals("on") || v.equals("of") || v.equals("off")) {
      return true;
    }
    return BOOLEANS.stream().anyMatch(b -> b.startsWith(v));
  }

  private static Integer integer(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value.toString().strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
