package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns an exception into the one sentence a status condition or an Event may carry: the API
 * server's or PostgreSQL's own message, first line only, bounded. Never a stack trace; callers log
 * the exception itself for the full story.
 */
public final class StatusMessages {

  static final int MAX_LENGTH = 300;

  private StatusMessages() {}

  /** The most specific human message in {@code e}: an API server Status, a PostgreSQL error, or the root cause. */
  public static String of(Throwable e) {
    Throwable t = unwrapWorkflowFailure(e);
    String message = null;
    for (Throwable c = t; c != null && message == null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
        message = k.getStatus().getMessage();
      } else if (c instanceof PSQLException p && p.getServerErrorMessage() != null) {
        ServerErrorMessage server = p.getServerErrorMessage();
        message = server.getMessage();
      }
    }
    if (message == null) {
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      message = root.getMessage() != null ? root.getMessage()
          : t.getMessage() != null ? t.getMessage() : root.getClass().getSimpleName();
    }
    return sentence(withoutClassNames(message));
  }

  private static final java.util.regex.Pattern QUALIFIED_THROWABLE =
      java.util.regex.Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z][\\w$]*(?:Exception|Error))\\b(?::\\s*)?");

  /** Wrappers print their cause as "java.lang.InterruptedException": a person needs the class's simple name at most. */
  static String withoutClassNames(String message) {
    java.util.regex.Matcher m = QUALIFIED_THROWABLE.matcher(message);
    StringBuilder out = new StringBuilder();
    String last = null;
    int end = 0;
    while (m.find()) {
      out.append(message, end, m.start());
      last = m.group(1);
      end = m.end();
    }
    out.append(message.substring(end));
    String text = out.toString().strip();
    return text.isEmpty() && last != null ? last : text;
  }

  /** Whether {@code e} is the operator stopping (a reconcile interrupted), not a failure of the resource. */
  public static boolean isInterruption(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The workflow's summary message embeds every dependent's stack trace; one failure is enough to act on. The
   * SDK may hand the summary over wrapped, or nest one workflow's summary in another's, so unwrap until none is left.
   */
  private static Throwable unwrapWorkflowFailure(Throwable e) {
    Throwable t = e;
    for (int depth = 0; depth < 10; depth++) {
      AggregatedOperatorException aggregated = null;
      for (Throwable c = t; c != null && aggregated == null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof AggregatedOperatorException a && !a.getAggregatedExceptions().isEmpty()) {
          aggregated = a;
        }
      }
      if (aggregated == null) {
        return t;
      }
      t = aggregated.getAggregatedExceptions().values().iterator().next();
    }
    return t;
  }

  /** The first line of {@code text}, without trailing blanks, at most {@value #MAX_LENGTH} characters. */
  public static String sentence(String text) {
    String line = text.strip().lines().findFirst().orElse("").strip();
    if (line.length() > MAX_LENGTH) {
      line = line.substring(0, MAX_LENGTH - 3) + "...";
    }
    return line;
  }
}
