package io.tradingdb.operator.kube;

import io.tradingdb.operator.postgres.SqlFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** What reaches a status condition from an exception: one line from the server, never a stack trace. */
class StatusMessagesTest {

  private static final String API_MESSAGE = "StatefulSet.apps \"market\" is invalid: spec.volumeClaimTemplates[0]"
      + ".spec.resources.requests[storage]: Invalid value: \"0\": must be greater than zero";

  @Test
  void aWorkflowFailureBecomesTheApiServersOwnSentence() {
    KubernetesClientException refused = new KubernetesClientException(
        new StatusBuilder().withCode(422).withMessage(API_MESSAGE).build());
    AggregatedOperatorException aggregated = new AggregatedOperatorException(
        "Exception(s) during workflow execution.", Map.of("statefulset", new RuntimeException(refused)));
    StringWriter trace = new StringWriter();
    aggregated.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString().lines().count()).isGreaterThan(10);

    String message = StatusMessages.of(aggregated);

    assertThat(message).isEqualTo(API_MESSAGE).doesNotContain("\n").doesNotContain("\tat ");
  }

  @Test
  void aWrappedOrNestedWorkflowFailureBecomesTheApiServersOwnSentenceToo() {
    String forbidden = "rolebindings.rbac.authorization.k8s.io is forbidden: User \"system:serviceaccount:x:y\" cannot "
        + "create resource \"rolebindings\"";
    KubernetesClientException refused = new KubernetesClientException(
        new StatusBuilder().withCode(403).withMessage(forbidden).build());
    AggregatedOperatorException inner = new AggregatedOperatorException(
        "Exception(s) during workflow execution.", Map.of("rolebinding", refused));
    AggregatedOperatorException outer = new AggregatedOperatorException(
        "Exception(s) during workflow execution.", Map.of("workflow", inner));

    assertThat(StatusMessages.of(new RuntimeException(outer))).isEqualTo(forbidden);
    assertThat(StatusMessages.of(outer)).isEqualTo(forbidden);
  }

  @Test
  void wrappedClassNamesBecomeSimpleNamesAndAnInterruptionIsRecognised() {
    RuntimeException wrapped = new RuntimeException("io.javaoperatorsdk.operator.OperatorException: java.lang.InterruptedException",
        new InterruptedException());
    assertThat(StatusMessages.of(wrapped)).isEqualTo("InterruptedException").doesNotContain(".");
    assertThat(StatusMessages.withoutClassNames("io.fabric8.kubernetes.client.KubernetesClientException: quota exceeded"))
        .isEqualTo("quota exceeded");
    assertThat(StatusMessages.isInterruption(wrapped)).isTrue();
    assertThat(StatusMessages.isInterruption(new IllegalStateException("x"))).isFalse();
  }

  @Test
  void aPostgresErrorKeepsItsMessageButNotItsDetailLines() {
    PSQLException e = new PSQLException(new ServerErrorMessage(
        "SERROR\0C42501\0Mpermission denied for table trades\0Dthe role lacks SELECT\0Wline 1\0"));
    assertThat(e.getMessage()).contains("\n");

    assertThat(SqlFailure.message(e)).isEqualTo("permission denied for table trades (SQLSTATE 42501)");
  }

  @Test
  void longOrMultiLineMessagesAreCut() {
    assertThat(StatusMessages.of(new IllegalStateException("first line\nsecond line"))).isEqualTo("first line");
    assertThat(StatusMessages.of(new IllegalStateException("x".repeat(1000)))).hasSize(StatusMessages.MAX_LENGTH).endsWith("...");
    assertThat(StatusMessages.of(new NullPointerException())).isEqualTo("NullPointerException");
  }
}
