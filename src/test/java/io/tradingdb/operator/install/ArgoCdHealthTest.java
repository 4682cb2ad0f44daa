package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Lua health checks, evaluated with Argo CD's Lua runtime (testenv/argocd-lua) against the resources under src/test/resources/argocd/<kind>/: each
 * file's header says the health Argo CD must show ({@code # health:}) and part of the message ({@code # message:}).
 */
class ArgoCdHealthTest {

  private static final Path FIXTURES = GeneratedFiles.PROJECT.resolve("src/test/resources/argocd");

  static Stream<Path> fixtures() {
    try (Stream<Path> files = Files.walk(FIXTURES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void healthMatchesTheExpectationInTheFixture(Path fixture) {
    String text = GeneratedFiles.read(fixture);
    Map<String, Object> resource = ArgoCdHealthChecks.parse(text);
    String kind = (String) resource.get("kind");

    ArgoCdHealthChecks.Health health = ArgoCdHealthChecks.evaluate(kind, resource);

    assertThat(health.status()).as("health of %s", fixture.getFileName()).isEqualTo(header(text, "health"));
    assertThat(health.message()).as("message of %s", fixture.getFileName()).contains(header(text, "message"));
  }

  @Test
  void everyKindIsCoveredInEveryState() {
    Map<String, List<String>> statesByKind = new LinkedHashMap<>();
    fixtures().forEach(f -> {
      String text = GeneratedFiles.read(f);
      statesByKind.computeIfAbsent((String) ArgoCdHealthChecks.parse(text).get("kind"), k -> new java.util.ArrayList<>())
          .add(header(text, "health"));
    });
    for (String kind : ArgoCdHealthChecks.KINDS) {
      assertThat(statesByKind.get(kind)).as(kind).contains("Healthy", "Progressing", "Degraded");
    }
    assertThat(statesByKind.get("BackupSchedule")).contains("Suspended");
  }

  @Test
  void committedConfigMapIsGeneratedFromTheLuaFiles() {
    Optional<String> problem = GeneratedFiles.check(
        ArgoCdHealthChecks.CONFIG_MAP, ArgoCdHealthChecks.configMapText(), ArgoCdHealthChecks.REGENERATE_COMMAND);
    problem.ifPresent(p -> fail("argocd-cm snippet out of date:\n" + p));
    Map<String, String> data = ArgoCdHealthChecks.committedScripts();
    for (String kind : ArgoCdHealthChecks.KINDS) {
      assertThat(data.get(ArgoCdHealthChecks.configMapKey(kind))).as(kind).isEqualTo(ArgoCdHealthChecks.script(kind));
    }
    assertThat(data).hasSameSizeAs(ArgoCdHealthChecks.KINDS);
  }

  @Test
  void theRuntimeOpensOnlyTheLibrariesArgoCdOpensForArgoCdCmScripts() {
    // Argo CD runs argocd-cm scripts without the string, io and os libraries (unless useOpenLibs is set, which
    // argocd-cm-health.yaml does not do); luaj, used before, opened all of them and hid such a mistake.
    assertThatThrownBy(() -> ArgoCdHealthChecks.run("return {status = string.format('%s', 'Healthy')}", Map.of()))
        .isInstanceOf(ArgoCdHealthChecks.LuaError.class).hasMessageContaining("format");
    assertThat(ArgoCdHealthChecks.run(
        "return {status = (type(string) == 'nil' and type(io) == 'nil' and type(table) == 'table') and 'Healthy' or 'x'}",
        Map.of()).status()).isEqualTo("Healthy");
    assertThat(ArgoCdHealthChecks.run("return {status = 'Fine'}", Map.of()))
        .isEqualTo(new ArgoCdHealthChecks.Health("Unknown", "Lua returned an invalid health status"));
  }

  @Test
  void numbersFromTheApiAreLuaNumbers() {
    Map<String, Object> resource = Map.of("metadata", Map.of("generation", 7L), "status", Map.of("observedGeneration", 6));
    assertThat(ArgoCdHealthChecks.run(
        "return {status = 'Progressing', message = tostring(obj.status.observedGeneration < obj.metadata.generation)}",
        resource).message()).isEqualTo("true");
  }

  private static String header(String text, String name) {
    return text.lines()
        .filter(line -> line.startsWith("# " + name + ": "))
        .map(line -> line.substring(name.length() + 4))
        .findFirst()
        .orElseThrow(() -> new AssertionError("fixture lacks a '# " + name + ":' line"));
  }
}
