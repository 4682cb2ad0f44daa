package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * No Docker engine runs here, so the image is not built; this checks what can go wrong without one: the Dockerfile
 * copies what {@code mvn package} produces, the build context lets those inputs in, and the image runs as the chart
 * expects.
 */
class DockerfileTest {

  private static final Path DOCKERFILE = GeneratedFiles.PROJECT.resolve("Dockerfile");
  private static final Path DOCKERIGNORE = GeneratedFiles.PROJECT.resolve(".dockerignore");

  private final String dockerfile = GeneratedFiles.read(DOCKERFILE);
  private final List<String> instructions = instructions(dockerfile);

  @Test
  void runtimeImageIsTheTemurinJreRunningTheJarAsANonRootUser() {
    List<String> froms = instructions.stream().filter(line -> line.startsWith("FROM ")).toList();

    assertThat(froms).last().isEqualTo("FROM eclipse-temurin:17-jre");
    assertThat(instructions).contains("USER 65532:65532", "EXPOSE 8080");
    assertThat(instructions).last().isEqualTo("ENTRYPOINT [\"java\", \"-jar\", \"/app/tradingdb-operator.jar\"]");
  }

  @Test
  void buildCopiesTheJarAndTheLibFolderThatMavenPackageProduces() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(GeneratedFiles.PROJECT.resolve("pom.xml").toFile());
    String artifactId = pom.getDocumentElement().getElementsByTagName("artifactId").item(0).getTextContent();
    String pomText = GeneratedFiles.read(GeneratedFiles.PROJECT.resolve("pom.xml"));

    assertThat(artifactId).isEqualTo("tradingdb-operator");
    assertThat(pomText).contains("<classpathPrefix>lib/</classpathPrefix>")
        .contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
    assertThat(dockerfile).contains("cp target/" + artifactId + "-*.jar /out/tradingdb-operator.jar")
        .contains("cp -r target/lib /out/lib")
        .contains("COPY --from=build /out/lib/ /app/lib/")
        .contains("COPY --from=build /out/tradingdb-operator.jar /app/tradingdb-operator.jar");
  }

  @Test
  void everyFileCopiedFromTheContextExistsAndPassesDockerignore() throws IOException {
    List<String> allowed = Files.readAllLines(DOCKERIGNORE).stream()
        .filter(line -> line.startsWith("!")).map(line -> line.substring(1).replaceAll("/$", "")).toList();
    List<String> sources = instructions.stream()
        .filter(line -> line.startsWith("COPY ") && !line.startsWith("COPY --from"))
        .map(line -> line.split("\\s+")[1].replaceAll("^\\./", "").replaceAll("/$", ""))
        .toList();

    assertThat(Files.readAllLines(DOCKERIGNORE)).contains("*");
    assertThat(sources).isNotEmpty().allSatisfy(source -> {
      assertThat(GeneratedFiles.PROJECT.resolve(source)).exists();
      assertThat(allowed).as(".dockerignore exceptions").contains(source);
    });
  }

  @Test
  void imageDefaultsToTheChartsJvmOptions() throws IOException {
    Matcher env = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(dockerfile);
    assertThat(env.find()).as("ENV JAVA_TOOL_OPTIONS in the Dockerfile").isTrue();
    Map<?, ?> values = new ObjectMapper(new YAMLFactory())
        .readValue(HelmChart.CHART_DIR.resolve("values.yaml").toFile(), Map.class);

    assertThat(words(env.group(1))).isEqualTo(words((String) values.get("jvmOptions")));
  }

  /** Dockerfile instructions with continuation lines joined and comments dropped. */
  private static List<String> instructions(String dockerfile) {
    return Arrays.stream(dockerfile.replaceAll("\\\\\\n\\s*", " ").split("\n"))
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
  }

  private static List<String> words(String text) {
    return List.of(text.strip().split("\\s+"));
  }
}
