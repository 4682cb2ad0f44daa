package io.tradingdb.operator.e2e;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a PromQL expression that must match real series: each vector selector
 * ({@code metric{label="value",...}}) and the labels it groups or joins on
 * ({@code by (...)}, {@code on (...)}). Enough for the expressions this project writes, which
 * always give a selector its braces; Grafana's {@code label_values(metric, label)} is read too.
 */
final class PromQlSelectors {

  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^{}]*)\\}");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^{}]*\\})?\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on|without|ignoring)\\s*\\(([^()]*)\\)");

  private PromQlSelectors() {}

  /** A selector as written ({@code text}) and its metric name. */
  record Selector(String metric, String text) {}

  static List<Selector> selectors(String expr) {
    List<Selector> found = new ArrayList<>();
    Matcher label = LABEL_VALUES.matcher(expr);
    if (label.find()) {
      String matchers = label.group(2) == null ? "{}" : label.group(2);
      found.add(new Selector(label.group(1), label.group(1) + matchers));
      return found;
    }
    Matcher m = SELECTOR.matcher(expr);
    while (m.find()) {
      found.add(new Selector(m.group(1), m.group(0)));
    }
    return found;
  }

  /** Labels the expression groups by, joins on, or reads with label_values. */
  static Set<String> labels(String expr) {
    Set<String> labels = new LinkedHashSet<>();
    Matcher label = LABEL_VALUES.matcher(expr);
    if (label.find()) {
      labels.add(label.group(3));
    }
    Matcher m = GROUPING.matcher(expr);
    while (m.find()) {
      for (String name : m.group(1).split(",")) {
        if (!name.isBlank()) {
          labels.add(name.trim());
        }
      }
    }
    return labels;
  }
}
