package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.sql.SQLException;
import java.util.Locale;
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
    return sentence(message);
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

  /** A SQL failure in one line: PostgreSQL's message and SQLSTATE, without Detail, Hint or Where lines. */
  public static String of(SQLException e) {
    // A failed plan statement already says which statement, in one line.
    String message = e instanceof io.tradingdb.operator.postgres.PlanExecutor.PlanFailedException
        ? sentence(e.getMessage()) : of((Throwable) e);
    return e.getSQLState() == null || message.toLowerCase(Locale.ROOT).contains(e.getSQLState().toLowerCase(Locale.ROOT))
        ? message : message + " (SQLSTATE " + e.getSQLState() + ")";
  }
}
