package io.tradingdb.operator.tradingdatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.testsupport.Crds;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.InvalidSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus under src/test/resources/invalid/tradingdatabase. Each file says what the user must see
 * ({@code # expect:}) and which layer refuses it ({@code # where: schema|cel|operator}); update cases name the stored
 * object they change ({@code # update-from:}). Checked here without an API server: schema cases against the
 * generated openAPIV3Schema (networknt, which ignores CEL), cel cases by the CRD rule that carries the message,
 * operator cases by {@link ClusterModel#from}. The API server run of the schema and cel cases is separate.
 */
class InvalidTradingDatabaseCorpusTest {

  private static final Path CORPUS = Path.of("src/test/resources/invalid/tradingdatabase");
  private static final Path CRD = Crds.GENERATED.resolve("tradingdatabases.tradingdb.io-v1.yml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> LAYERS = Set.of("schema", "cel", "operator");

  record Case(Path file, String expect, String where, Optional<String> updateFrom, String yaml) {
    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  static List<Case> cases() {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d\\d-[a-z0-9-]+\\.yaml"))
          .sorted().map(InvalidTradingDatabaseCorpusTest::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Case> schemaCases() { return cases().stream().filter(c -> c.where().equals("schema")); }
  static Stream<Case> celCases() { return cases().stream().filter(c -> c.where().equals("cel")); }
  static Stream<Case> operatorCases() { return cases().stream().filter(c -> c.where().equals("operator")); }
  static Stream<Case> notSchemaCases() { return cases().stream().filter(c -> !c.where().equals("schema")); }

  @Test
  void corpusIsLargeAndEveryFileSaysWhatToExpect() {
    List<Case> cases = cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(25);
    assertThat(cases).allSatisfy(c -> {
      assertThat(c.expect()).as("%s # expect", c).isNotBlank();
      assertThat(LAYERS).as("%s # where", c).contains(c.where());
    });
    assertThat(cases).extracting(Case::where).contains("schema", "cel", "operator");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaCases")
  void schemaCasesAreRejectedNamingTheField(Case c) {
    List<String> errors = schemaErrors(c.yaml());

    assertThat(errors).as("schema errors of %s", c).anySatisfy(e -> assertThat(e).contains(c.expect()));
  }

  /** Otherwise the case would never reach the layer it claims to exercise. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notSchemaCases")
  void celAndOperatorCasesPassTheStructuralSchema(Case c) {
    assertThat(schemaErrors(c.yaml())).as("schema errors of %s", c).isEmpty();
    c.updateFrom().ifPresent(base -> assertThat(schemaErrors(readText(CORPUS.resolve(base)))).as(base).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("celCases")
  void celCasesMatchARuleOfTheCrd(Case c) {
    assertThat(celMessages(schema())).as("x-kubernetes-validations messages")
        .anySatisfy(message -> assertThat(message).contains(c.expect()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorCases")
  void operatorCasesAreRefusedWithAMessageForTheUser(Case c) {
    TradingDatabase db = Serialization.unmarshal(c.yaml(), TradingDatabase.class);

    assertThatThrownBy(() -> ClusterModel.from(db))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(c.expect());
  }

  @Test
  void updateBasesAreValidResources() {
    cases().stream().flatMap(c -> c.updateFrom().stream()).distinct().forEach(base -> {
      String yaml = readText(CORPUS.resolve(base));
      assertThat(schemaErrors(yaml)).as(base).isEmpty();
      assertThat(ClusterModel.from(Serialization.unmarshal(yaml, TradingDatabase.class)).databaseName())
          .isEqualTo("ai_trading");
    });
  }

  private static List<String> schemaErrors(String yaml) {
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH).build();
    JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema(), config);
    try {
      return validator.validate(YAML.readTree(yaml)).stream().map(ValidationMessage::getMessage).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode schema() {
    try {
      return YAML.readTree(CRD.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
    } catch (IOException e) {
      throw new UncheckedIOException("no generated CRD at " + CRD + "; run mvn process-classes", e);
    }
  }

  private static List<String> celMessages(JsonNode node) {
    List<String> messages = new ArrayList<>();
    node.findValues("x-kubernetes-validations")
        .forEach(rules -> rules.forEach(rule -> messages.add(rule.path("message").asText())));
    return messages;
  }

  private static Case read(Path file) {
    String yaml = readText(file);
    return new Case(file, header(yaml, "expect").orElse(""), header(yaml, "where").orElse(""),
        header(yaml, "update-from"), yaml);
  }

  private static Optional<String> header(String yaml, String name) {
    return yaml.lines().filter(l -> l.startsWith("# " + name + ": ")).map(l -> l.substring(name.length() + 4).trim())
        .findFirst();
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
