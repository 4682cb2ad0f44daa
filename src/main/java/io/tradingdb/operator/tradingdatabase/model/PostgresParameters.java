package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.kube.InvalidSpecException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What spec.postgresql.parameters may set: every parameter of PostgreSQL 15 to 17, reviewed and
 * classified in {@value #RESOURCE} (generated from pg_settings; see docs/security.md). A name the
 * file does not list is refused too, so a parameter a new release adds stays out until reviewed.
 */
public final class PostgresParameters {

  public static final String RESOURCE = "postgresql-parameters.tsv";

  /** Custom settings the operator derives from spec.timescaledb; naming them here would be ignored. */
  static final Map<String, String> SET_BY_OPERATOR = Map.of(
      "timescaledb.telemetry_level", "spec.timescaledb.telemetry",
      "timescaledb.max_background_workers", "spec.timescaledb.maxBackgroundWorkers");

  /**
   * One row of the classification.
   *
   * @param since the first major release that has the parameter (15 means 15 or earlier)
   * @param kind why a denied parameter is denied (command, library, path, tls, ...), "-" when allowed
   */
  public record Parameter(
      String name, String context, String vartype, String category, int since, boolean allowed, String kind) {}

  private static final Map<String, Parameter> ALL = load();

  private PostgresParameters() {}

  /** Every classified parameter by name. */
  public static Map<String, Parameter> all() {
    return ALL;
  }

  /** The denied names, sorted: the CRD's CEL rule lists exactly these. */
  public static Set<String> denied() {
    return ALL.values().stream().filter(p -> !p.allowed()).map(p -> p.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The CEL rule that refuses the denied names, as PostgresqlSpec must carry it. */
  public static String celRule() {
    return denied().stream().map(n -> "'" + n + "'")
        .collect(Collectors.joining(", ", "self.all(k, !(k.lowerAscii() in [", "]))"));
  }

  /**
   * Refuses a name that is not a PostgreSQL parameter the operator lets users set.
   *
   * @param preloaded the libraries PostgreSQL loads at start: a custom setting (library.name) must
   *     belong to one of them
   */
  static void check(String name, Collection<String> preloaded) {
    String field = "spec.postgresql.parameters";
    if (name == null || !name.matches("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$")) {
      throw new InvalidSpecException(field + ": '" + ParameterValues.printable(name)
          + "' is not a PostgreSQL parameter name");
    }
    String key = name.toLowerCase(Locale.ROOT);
    int dot = key.indexOf('.');
    if (dot > 0) {
      if (SET_BY_OPERATOR.containsKey(key)) {
        throw new InvalidSpecException(field + "." + name + " is set by the operator; use "
            + SET_BY_OPERATOR.get(key) + " instead");
      }
      if (!preloaded.contains(key.substring(0, dot))) {
        throw new InvalidSpecException(field + "." + name + " belongs to no preloaded library; custom settings "
            + "are accepted for " + String.join(", ", preloaded) + " (add a library to extraSharedPreloadLibraries)");
      }
      return;
    }
    Parameter parameter = ALL.get(key);
    if (parameter == null) {
      throw new InvalidSpecException(field + "." + name
          + " is not a PostgreSQL 15-17 parameter the operator has reviewed, so it is refused");
    }
    if (!parameter.allowed()) {
      throw new InvalidSpecException(field + "." + name + " is refused: " + reason(parameter.kind()));
    }
  }

  private static String reason(String kind) {
    return switch (kind) {
      case "command" -> "it runs a shell command on the database host";
      case "library" -> "it loads code into the server (use extraSharedPreloadLibraries for shared_preload_libraries)";
      case "path" -> "it names a file or folder on the database host, which the operator lays out";
      case "tls" -> "TLS is configured by spec.tls";
      case "network" -> "the operator owns the listening address and port";
      case "auth" -> "authentication is configured by the operator";
      case "security" -> "it weakens a security check or changes how every session resolves names";
      case "replication" -> "replication, archiving and recovery are owned by Patroni and the operator";
      case "developer" -> "it is a debugging aid that can crash the server or corrupt data";
      case "readonly" -> "it is fixed when PostgreSQL is built or initialized";
      default -> "the operator does not let it be set";
    };
  }

  private static Map<String, Parameter> load() {
    Map<String, Parameter> parameters = new TreeMap<>();
    try (InputStream in = PostgresParameters.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      boolean header = true;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 7 || !Set.of("allow", "deny").contains(f[5])) {
          throw new IllegalStateException(RESOURCE + ": malformed line: " + line);
        }
        parameters.put(f[0].toLowerCase(Locale.ROOT), new Parameter(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), f[5].equals("allow"), f[6]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(parameters);
  }
}
