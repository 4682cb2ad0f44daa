package io.tradingdb.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tradingdb.operator.tradingdatabase.monitoring.DashboardConfigMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
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

  /**
   * Every alert rule's expression, every dashboard panel's query and every query variable of the
   * dashboard, keyed by where it stands.
   */
  static Map<String, String> ruleAndDashboardQueries(JsonNode rules) throws IOException {
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode r : rules) {
      queries.put("rule " + r.path("alert").asText(), r.path("expr").asText());
    }
    JsonNode dashboard = new ObjectMapper().readTree(DashboardConfigMap.class.getResourceAsStream(DashboardConfigMap.RESOURCE));
    for (JsonNode panel : dashboard.path("panels")) {
      int i = 0;
      for (JsonNode target : panel.path("targets")) {
        queries.put("panel " + panel.path("title").asText() + " #" + i++, target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        queries.put("variable " + variable.path("name").asText(), variable.path("query").path("query").asText());
      }
    }
    return queries;
  }

  /**
   * What in {@code queries} no real series in {@code stack} carries: a selector (of a metric
   * {@code checked} accepts) that matches no series, or a label grouped on that none of its
   * series has. The dashboard's variables are read as this cluster's. Metrics not checked are
   * added to {@code skipped}, selectors checked to {@code checkedSelectors}.
   */
  static List<String> unmatched(PrometheusStack stack, Map<String, String> queries, String namespace, String cluster,
      Predicate<String> checked, Set<String> skipped, Set<String> checkedSelectors) throws Exception {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      String expr = q.getValue().replace("$namespace", namespace).replace("$tradingdatabase", cluster);
      List<Selector> selectors = selectors(expr);
      if (selectors.isEmpty()) {
        problems.add(q.getKey() + ": no selector found in " + expr);
      }
      for (Selector s : selectors) {
        if (!checked.test(s.metric())) {
          skipped.add(s.metric());
          continue;
        }
        checkedSelectors.add(q.getKey() + ": " + s.text());
        List<Map<String, String>> series = stack.series(s.text());
        if (series.isEmpty()) {
          problems.add(q.getKey() + ": " + s.text() + " matches no real series (metric "
              + s.metric() + " has " + stack.series("{__name__=\"" + s.metric() + "\"}").size() + " series)");
          continue;
        }
        for (String label : labels(expr)) {
          if (series.stream().noneMatch(labels -> labels.containsKey(label))) {
            problems.add(q.getKey() + ": groups on '" + label + "', which no series of " + s.metric() + " carries");
          }
        }
      }
    }
    return problems;
  }
}
