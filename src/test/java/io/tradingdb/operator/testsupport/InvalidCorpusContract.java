package io.tradingdb.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.kube.TargetUnavailableException;
import io.tradingdb.operator.kube.ExternalTargetPolicy.TargetNotAllowedException;
import io.tradingdb.operator.testsupport.InvalidCorpus.Case;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline checks every kind's bad-input corpus passes: schema cases are refused by the structural schema naming
 * the field, cel and operator cases get past it (otherwise they would never reach the layer they claim), cel cases
 * carry the message of a CRD rule, operator cases are refused by what the kind's reconciler runs first
 * ({@link #model}), and update bases are accepted by it.
 * The API server run of all of them is InvalidResourcesIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class InvalidCorpusContract {

  private final InvalidCorpus corpus;
  private final int minimumCases;

  protected InvalidCorpusContract(InvalidCorpus corpus, int minimumCases) {
    this.corpus = corpus;
    this.minimumCases = minimumCases;
  }

  /** Builds the kind's model from YAML the way its reconciler does before touching anything; throws when refused. */
  protected abstract Object model(String yaml);

  protected InvalidCorpus corpus() {
    return corpus;
  }

  Stream<Case> schemaCases() { return corpus().cases("schema"); }
  Stream<Case> celCases() { return corpus().cases("cel"); }
  Stream<Case> operatorCases() { return corpus().cases("operator"); }
  Stream<Case> notSchemaCases() { return corpus().notSchemaCases(); }

  @Test
  void corpusIsLargeAndEveryFileSaysWhatToExpect() {
    List<Case> cases = corpus().cases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(minimumCases);
    assertThat(cases).allSatisfy(c -> {
      assertThat(c.expect()).as("%s # expect", c).isNotBlank();
      assertThat(InvalidCorpus.LAYERS).as("%s # where", c).contains(c.where());
    });
    assertThat(cases).extracting(Case::where).contains("schema", "cel", "operator");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaCases")
  void schemaCasesAreRejectedNamingTheField(Case c) {
    assertThat(corpus().schemaErrors(c.yaml())).as("schema errors of %s", c)
        .anySatisfy(e -> assertThat(e).contains(c.expect()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notSchemaCases")
  void celAndOperatorCasesPassTheStructuralSchema(Case c) {
    assertThat(corpus().schemaErrors(c.yaml())).as("schema errors of %s", c).isEmpty();
    c.updateFrom().ifPresent(base -> assertThat(corpus().schemaErrors(corpus().text(base))).as(base).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("celCases")
  void celCasesMatchARuleOfTheCrd(Case c) {
    assertThat(corpus().celMessages()).as("x-kubernetes-validations messages")
        .anySatisfy(message -> assertThat(message).contains(c.expect()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorCases")
  void operatorCasesAreRefusedWithAMessageForTheUser(Case c) {
    assertThatThrownBy(() -> model(c.yaml()))
        .isInstanceOfAny(InvalidSpecException.class, TargetUnavailableException.class, TargetNotAllowedException.class)
        .hasMessageContaining(c.expect());
  }

  @Test
  void updateBasesAreValidResources() {
    corpus().cases().stream().flatMap(c -> c.updateFrom().stream()).distinct().forEach(base -> {
      String yaml = corpus().text(base);
      assertThat(corpus().schemaErrors(yaml)).as(base).isEmpty();
      assertThatCode(() -> model(yaml)).as(base).doesNotThrowAnyException();
    });
  }
}
