package io.tradingdb.operator.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health checks under argocd/health: each kind's script is {@code _conditions.lua} followed by
 * {@code <kind>.lua}, shipped in argocd/argocd-cm-health.yaml and evaluated here with a real Lua engine.
 */
final class ArgoCdHealthChecks {

  static final Path DIR = GeneratedFiles.PROJECT.resolve("argocd/health");
  static final Path CONFIG_MAP = GeneratedFiles.PROJECT.resolve("argocd/argocd-cm-health.yaml");
  static final String REGENERATE_COMMAND = "mvn -B -q test -Dtest=ArgoCdHealthTest -Dgenerated.update=true";
  static final List<String> KINDS = List.of("TradingDatabase", "BackupSchedule", "DbUser");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(resource));
    LuaValue result = globals.load(script(kind), kind + ".lua").call();
    LuaValue message = result.get("message");
    return new Health(result.get("status").tojstring(), message.isnil() ? null : message.tojstring());
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

  /** JSON-shaped Java values as Argo CD hands them to Lua: objects and arrays become tables. */
  private static LuaValue lua(Object value) {
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.set(k.toString(), lua(v)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.set(i + 1, lua(list.get(i)));
      }
      return table;
    }
    if (value instanceof Number number) {
      return LuaValue.valueOf(number.doubleValue());
    }
    if (value instanceof Boolean bool) {
      return LuaValue.valueOf(bool);
    }
    return value == null ? LuaValue.NIL : LuaValue.valueOf(value.toString());
  }
}
