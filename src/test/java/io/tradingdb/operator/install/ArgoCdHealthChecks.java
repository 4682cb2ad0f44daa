package io.tradingdb.operator.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Argo CD health checks under argocd/health: each kind's script is {@code _conditions.lua} followed by
 * {@code <kind>.lua}, shipped in argocd/argocd-cm-health.yaml and evaluated here with Argo CD's own runtime:
 * testenv/argocd-lua (gopher-lua with the libraries Argo CD opens for argocd-cm scripts), built by
 * testenv/build-binaries.sh and named by {@code TRADINGDB_ARGOCD_LUA} (testenv/test.sh exports it).
 */
final class ArgoCdHealthChecks {

  static final Path DIR = GeneratedFiles.PROJECT.resolve("argocd/health");
  static final Path CONFIG_MAP = GeneratedFiles.PROJECT.resolve("argocd/argocd-cm-health.yaml");
  static final String REGENERATE_COMMAND = "mvn -B -q test -Dtest=ArgoCdHealthTest -Dgenerated.update=true";
  static final List<String> KINDS = List.of("TradingDatabase", "BackupSchedule", "DbUser");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArgoCdHealthChecks() {}

  /** The complete script Argo CD runs for {@code kind}. */
  static String script(String kind) {
    return GeneratedFiles.read(DIR.resolve("_conditions.lua")) + "\n"
        + GeneratedFiles.read(DIR.resolve(kind.toLowerCase(java.util.Locale.ROOT) + ".lua"));
  }

  static String configMapKey(String kind) {
    return "resource.customizations.health.tradingdb.io_" + kind;
  }

  /** argocd-cm-health.yaml as it must be: every kind's script as a literal block. */
  static String configMapText() {
    StringBuilder text = new StringBuilder();
    text.append("# Generated from argocd/health/*.lua; do not edit. Regenerate: ").append(REGENERATE_COMMAND).append('\n');
    text.append("# Merge into Argo CD's argocd-cm: kubectl -n argocd patch configmap argocd-cm --patch-file ")
        .append("argocd/argocd-cm-health.yaml\n");
    text.append("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-cm
          namespace: argocd
          labels:
            app.kubernetes.io/name: argocd-cm
            app.kubernetes.io/part-of: argocd
        data:
        """);
    for (String kind : KINDS) {
      text.append("  ").append(configMapKey(kind)).append(": |\n");
      script(kind).lines().forEach(line -> text.append(line.isEmpty() ? "" : "    " + line).append('\n'));
    }
    return text.toString();
  }

  /** The data of the committed argocd-cm-health.yaml, as a YAML parser reads it. */
  @SuppressWarnings("unchecked")
  static Map<String, String> committedScripts() {
    Map<String, Object> configMap = parse(GeneratedFiles.read(CONFIG_MAP));
    return (Map<String, String>) configMap.get("data");
  }

  /** Runs the health check of {@code kind} against a resource; returns Argo CD's status and message. */
  static Health evaluate(String kind, Map<String, Object> resource) {
    return run(script(kind), resource);
  }

  /** Runs {@code script} as Argo CD runs an argocd-cm health script, with {@code resource} as obj. */
  static Health run(String script, Map<String, Object> resource) {
    Path runtime = runtime();
    try {
      Process process = new ProcessBuilder(runtime.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (var stdin = process.getOutputStream()) {
        JSON.writeValue(stdin, List.of(Map.of("script", script, "obj", resource)));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(runtime + " failed: " + output);
      }
      Map<?, ?> result = (Map<?, ?>) JSON.readValue(output, List.class).get(0);
      if (result.get("error") != null) {
        throw new LuaError((String) result.get("error"));
      }
      return new Health((String) result.get("status"), (String) result.get("message"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path runtime() {
    String configured = System.getenv("TRADINGDB_ARGOCD_LUA");
    if (configured == null || !Files.isExecutable(Path.of(configured))) {
      throw new IllegalStateException("Argo CD's Lua runtime is missing: run the suite with testenv/test.sh, or export "
          + "TRADINGDB_ARGOCD_LUA=$(testenv/build-binaries.sh | sed -n 's/^ARGOCD_LUA_BIN=//p'); was " + configured);
    }
    return Path.of(configured);
  }

  /** A script error as Argo CD reports it (the application's health shows it). */
  static final class LuaError extends RuntimeException {
    LuaError(String message) {
      super(message);
    }
  }

  record Health(String status, String message) {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String yaml) {
    try {
      return YAML.readValue(yaml, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
