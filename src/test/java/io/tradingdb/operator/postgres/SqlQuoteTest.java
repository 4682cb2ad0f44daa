package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlQuoteTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "ai_trading|\"ai_trading\"",
        "Mixed|\"Mixed\"",
        "select|\"select\"",
        "a\"b|\"a\"\"b\"",
        "\"|\"\"\"\"",
        "x; DROP TABLE y; --|\"x; DROP TABLE y; --\"",
        "back\\slash|\"back\\slash\"",
        "ünïcødé|\"ünïcødé\"",
      })
  void identifiersAreDoubleQuotedWithQuotesDoubled(String name, String expected) {
    assertThat(SqlQuote.identifier(name)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "plain|'plain'",
        "it's|'it''s'",
        "''|''''''",
        "a\\'b|'a\\''b'",
        "'; DROP ROLE x; --|'''; DROP ROLE x; --'",
      })
  void literalsAreSingleQuotedWithQuotesDoubled(String value, String expected) {
    assertThat(SqlQuote.literal(value)).isEqualTo(expected);
  }

  @Test
  void identifierOf63BytesIsAcceptedAnd64IsRefused() {
    assertThat(SqlQuote.identifier("a".repeat(63))).hasSize(65);
    assertThatThrownBy(() -> SqlQuote.identifier("a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 63 bytes");
    // 32 two-byte characters are 64 bytes, though only 32 characters.
    assertThatThrownBy(() -> SqlQuote.identifier("é".repeat(32)))
        .hasMessageContaining("got 64");
  }

  @Test
  void emptyNullNulAndBrokenSurrogatesAreRefused() {
    assertThatThrownBy(() -> SqlQuote.identifier("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> SqlQuote.identifier(null)).hasMessageContaining("null");
    assertThatThrownBy(() -> SqlQuote.literal(null)).hasMessageContaining("null");
    assertThatThrownBy(() -> SqlQuote.identifier("a\0b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> SqlQuote.literal("a\0b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> SqlQuote.literal("a\uD800b")).hasMessageContaining("UTF-16");
    assertThatThrownBy(() -> SqlQuote.identifier("\uDC00")).hasMessageContaining("UTF-16");
  }

  @Test
  void qualifiedQuotesEachPart() {
    assertThat(SqlQuote.qualified("public", "news_articles"))
        .isEqualTo("\"public\".\"news_articles\"");
    assertThat(SqlQuote.qualified("we.ird", "t\"x")).isEqualTo("\"we.ird\".\"t\"\"x\"");
  }

  @Test
  void nonStandardStringsAreRefused() {
    SqlQuote.requireStandardConformingStrings("on");
    assertThatThrownBy(() -> SqlQuote.requireStandardConformingStrings("off"))
        .isInstanceOf(IllegalStateException.class);
  }
}
