package io.tradingdb.operator.postgres;

import io.tradingdb.operator.kube.StatusMessages;
import java.sql.SQLException;
import java.util.Locale;

/** What a failed connection or statement means for a reconciler, read from the SQLSTATE. */
public enum SqlFailure {
  /** The server cannot be reached or is shutting down: retry with backoff. */
  UNREACHABLE,
  /** Wrong admin credentials or missing privileges: the user must fix something. */
  PERMISSION_DENIED,
  /** A table, schema or role named in the spec does not exist (yet): retry later. */
  OBJECT_MISSING,
  /** An object with that name appeared concurrently: retry, the next read sees it. */
  CONFLICT,
  /** A serialization failure or deadlock: retry soon. */
  TRANSIENT,
  OTHER;

  public static SqlFailure classify(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return e.getCause() instanceof java.io.IOException ? UNREACHABLE : OTHER;
    }
    if (state.startsWith("08") || state.equals("53300") || state.startsWith("57P")) {
      return UNREACHABLE;
    }
    if (state.startsWith("28") || state.equals("42501")) {
      return PERMISSION_DENIED;
    }
    if (state.equals("42P01") || state.equals("3F000") || state.equals("42704")) {
      return OBJECT_MISSING;
    }
    if (state.equals("42710") || state.equals("23505")) {
      return CONFLICT;
    }
    if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
      return TRANSIENT;
    }
    return OTHER;
  }

  /** A SQL failure in one line: PostgreSQL's message and SQLSTATE, without Detail, Hint or Where lines. */
  public static String message(SQLException e) {
    // A failed plan statement already says which statement, in one line.
    String message = e instanceof PlanExecutor.PlanFailedException
        ? StatusMessages.sentence(e.getMessage()) : StatusMessages.of(e);
    return e.getSQLState() == null || message.toLowerCase(Locale.ROOT).contains(e.getSQLState().toLowerCase(Locale.ROOT))
        ? message : message + " (SQLSTATE " + e.getSQLState() + ")";
  }
}
