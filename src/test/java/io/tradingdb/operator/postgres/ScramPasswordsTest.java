package io.tradingdb.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScramPasswordsTest {

  @Test
  void aVerifierMatchesItsPasswordOnly() {
    String verifier = ScramPasswords.hash("s3cret-Ünïcode");
    assertThat(verifier).startsWith("SCRAM-SHA-256$4096:").doesNotContain("s3cret");
    assertThat(ScramPasswords.matches("s3cret-Ünïcode", verifier)).isTrue();
    assertThat(ScramPasswords.matches("s3cret-unicode", verifier)).isFalse();
    // The second answers come from the memo of proven matches and must agree.
    assertThat(ScramPasswords.matches("s3cret-Ünïcode", verifier)).isTrue();
    assertThat(ScramPasswords.matches("s3cret-unicode", verifier)).isFalse();
    assertThat(ScramPasswords.matches("s3cret-Ünïcode", "md5abc")).isFalse();
    assertThat(ScramPasswords.matches("x", "SCRAM-SHA-256$broken")).isFalse();
    assertThat(ScramPasswords.matches("x", null)).isFalse();
  }

  @Test
  void twoHashesOfOnePasswordDifferBySalt() {
    assertThat(ScramPasswords.hash("same")).isNotEqualTo(ScramPasswords.hash("same"));
  }

  @Test
  void generatedPasswordsAreLettersAndDigitsOfTheAskedLength() {
    String password = ScramPasswords.generate(40);
    assertThat(password).hasSize(40).matches("[A-Za-z0-9]+");
    assertThat(ScramPasswords.generate(40)).isNotEqualTo(password);
  }
}
