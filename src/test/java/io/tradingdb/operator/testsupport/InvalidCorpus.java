package io.tradingdb.operator.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One kind's bad-input corpus under src/test/resources/invalid/<kind>: each file says what the user must see
 * ({@code # expect:}), which layer refuses it ({@code # where: schema|cel|operator}) and, for updates, the stored
 * object it changes ({@code # update-from:}). Offline checks use the generated CRD: networknt validates the
 * openAPIV3Schema (it ignores CEL) and the CEL rule messages are read from x-kubernetes-validations.
 */
public final class InvalidCorpus {

  public static final Set<String> LAYERS = Set.of("schema", "cel", "operator");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path folder;
  private final JsonNode schema;
  private final JsonSchema validator;

  public record Case(Path file, String expect, String where, Optional<String> updateFrom, String yaml) {
    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  /** @param kindFolder the folder under src/test/resources/invalid, @param crdFile the generated CRD file name */
  public InvalidCorpus(String kindFolder, String crdFile) {
    this.folder = Path.of("src/test/resources/invalid", kindFolder);
    Path crd = Crds.GENERATED.resolve(crdFile);
    try {
      this.schema = YAML.readTree(crd.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
    } catch (IOException e) {
      throw new UncheckedIOException("no generated CRD at " + crd + "; run mvn process-classes", e);
    }
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH).build();
    this.validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema, config);
  }

  public List<Case> cases() {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d\\d-[a-z0-9-]+\\.yaml"))
          .sorted().map(InvalidCorpus::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Stream<Case> cases(String where) {
    return cases().stream().filter(c -> c.where().equals(where));
  }

  public Stream<Case> notSchemaCases() {
    return cases().stream().filter(c -> !c.where().equals("schema"));
  }

  /** The text of a file named relative to the corpus folder, such as an update base. */
  public String text(String relative) {
    return readText(folder.resolve(relative));
  }

  /** Messages of the structural schema (JSON paths such as $.spec.instances), empty when the YAML is valid. */
  public List<String> schemaErrors(String yaml) {
    try {
      return validator.validate(YAML.readTree(yaml)).stream().map(ValidationMessage::getMessage).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every CEL rule message of the CRD. */
  public List<String> celMessages() {
    List<String> messages = new ArrayList<>();
    schema.findValues("x-kubernetes-validations")
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
