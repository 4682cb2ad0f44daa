package io.tradingdb.operator.kube;

import java.security.SecureRandom;

/** Generates passwords; the only source of randomness for credentials in the operator. */
public final class Passwords {

  // Letters and digits only: safe in URIs, libpq key/value strings, YAML and shell without escaping.
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** 40 characters of 62 symbols: about 238 bits. */
  public static final int DEFAULT_LENGTH = 40;

  private Passwords() {}

  public static String generate() {
    return generate(DEFAULT_LENGTH);
  }

  public static String generate(int length) {
    if (length < 16) {
      throw new IllegalArgumentException("passwords shorter than 16 characters are not generated");
    }
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
