package io.tradingdb.operator.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The postgres_exporter custom queries in {@code monitoring/queries.yaml}: shipped to the exporter
 * sidecar as they are, and run by the operator's health checks, so both read the same numbers.
 */
public final class ExporterQueries {

  public static final String RESOURCE = "/monitoring/queries.yaml";

  /** One column: a label, or a gauge/counter whose metric is {@code <query>_<column>}. */
  public record Column(String name, String usage, String description) {}

  public record Query(String name, String sql, List<Column> columns) {
    public List<String> columnNames() {
      return columns.stream().map(Column::name).toList();
    }
  }

  private static final String TEXT = load();
  private static final Map<String, Query> QUERIES = parse(TEXT);

  private ExporterQueries() {}

  /** The file as shipped to the exporter. */
  public static String text() {
    return TEXT;
  }

  public static Map<String, Query> all() {
    return QUERIES;
  }

  public static Query get(String name) {
    Query query = QUERIES.get(name);
    if (query == null) {
      throw new IllegalArgumentException(name + " is not in " + RESOURCE);
    }
    return query;
  }

  private static String load() {
    return io.tradingdb.operator.kube.ClasspathText.read(RESOURCE);
  }

  static Map<String, Query> parse(String yaml) {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
      Map<String, Query> queries = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        List<Column> columns = new ArrayList<>();
        for (JsonNode metric : entry.getValue().path("metrics")) {
          Map.Entry<String, JsonNode> column = metric.fields().next();
          columns.add(new Column(
              column.getKey(), column.getValue().path("usage").asText(),
              column.getValue().path("description").asText()));
        }
        String name = entry.getKey();
        queries.put(name, new Query(name, entry.getValue().path("query").asText(), List.copyOf(columns)));
      }
      return Collections.unmodifiableMap(queries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
