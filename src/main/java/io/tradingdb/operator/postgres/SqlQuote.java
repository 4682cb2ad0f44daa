package io.tradingdb.operator.postgres;

import java.nio.charset.StandardCharsets;

/**
 * The single place that turns names and values into SQL text. Every identifier and literal that
 * reaches PostgreSQL from this operator goes through {@link #identifier} or {@link #literal}.
 *
 * <p>Rules follow the PostgreSQL lexer: identifiers are always double-quoted (so case and reserved
 * words are preserved, never folded), literals are standard-conforming single-quoted strings with
 * doubled quotes. Strings with a NUL character or invalid UTF-16 are refused: PostgreSQL cannot
 * store them and a driver may truncate at them.
 */
public final class SqlQuote {

  /** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  private SqlQuote() {}

  /** A double-quoted identifier, e.g. {@code ai_trading} becomes {@code "ai_trading"}. */
  public static String identifier(String name) {
    checkText(name, "identifier");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("an SQL identifier cannot be empty");
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_IDENTIFIER_BYTES) {
      // Refuse rather than let the server truncate: a truncated name is a different object.
      throw new IllegalArgumentException(
          "an SQL identifier may be at most " + MAX_IDENTIFIER_BYTES + " bytes, got " + bytes);
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A schema-qualified name, each part quoted: {@code "public"."news_articles"}. */
  public static String qualified(String schema, String name) {
    return identifier(schema) + '.' + identifier(name);
  }

  /**
   * A single-quoted string literal, e.g. {@code it's} becomes {@code 'it''s'}. Relies on
   * standard_conforming_strings=on (the default since PostgreSQL 9.1, and checked by
   * {@link #requireStandardConformingStrings}) so backslashes are ordinary characters.
   */
  public static String literal(String value) {
    checkText(value, "literal");
    return '\'' + value.replace("'", "''") + '\'';
  }

  /** Fails when a session would read backslashes in literals as escapes. */
  public static void requireStandardConformingStrings(String settingValue) {
    if (!"on".equalsIgnoreCase(settingValue)) {
      throw new IllegalStateException(
          "standard_conforming_strings is '" + settingValue + "'; the operator requires 'on'");
    }
  }

  private static void checkText(String text, String what) {
    if (text == null) {
      throw new IllegalArgumentException("an SQL " + what + " cannot be null");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException("an SQL " + what + " cannot contain a NUL character");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          throw new IllegalArgumentException("an SQL " + what + " contains invalid UTF-16");
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("an SQL " + what + " contains invalid UTF-16");
      }
    }
  }
}
