package io.tradingdb.operator.postgres;

import java.security.SecureRandom;
import java.util.Arrays;
import org.postgresql.util.PasswordUtil;

/**
 * Client-side SCRAM-SHA-256: hashes a password for CREATE/ALTER ROLE, and checks whether a stored
 * verifier (pg_authid.rolpassword) belongs to a password without any login attempt.
 */
public final class ScramPasswords {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ScramPasswords() {}

  /** A random password of letters and digits (about 5.95 bits per character). */
  public static String generate(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** The SCRAM-SHA-256 verifier PostgreSQL stores, with a fresh salt. */
  public static String hash(String password) {
    char[] chars = password.toCharArray();
    try {
      return PasswordUtil.encodeScramSha256(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /**
   * Whether {@code verifier} ("SCRAM-SHA-256$iter:salt$StoredKey:ServerKey") was made from
   * {@code password}: re-derives it with the same salt and iteration count.
   */
  public static boolean matches(String password, String verifier) {
    if (password == null || verifier == null || !verifier.startsWith("SCRAM-SHA-256$")) {
      return false;
    }
    String[] parts = verifier.split("\\$");
    if (parts.length != 3) {
      return false;
    }
    String[] iterationAndSalt = parts[1].split(":");
    if (iterationAndSalt.length != 2) {
      return false;
    }
    char[] chars = password.toCharArray();
    try {
      int iterations = Integer.parseInt(iterationAndSalt[0]);
      byte[] salt = java.util.Base64.getDecoder().decode(iterationAndSalt[1]);
      String derived = PasswordUtil.encodeScramSha256(chars, iterations, salt);
      return java.security.MessageDigest.isEqual(
          derived.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return false;
    } finally {
      Arrays.fill(chars, '\0');
    }
  }
}
