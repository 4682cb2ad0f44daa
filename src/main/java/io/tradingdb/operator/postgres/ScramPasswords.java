package io.tradingdb.operator.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.util.PasswordUtil;

/**
 * Client-side SCRAM-SHA-256: hashes a password for CREATE/ALTER ROLE, and checks whether a stored
 * verifier (pg_authid.rolpassword) belongs to a password without any login attempt.
 */
public final class ScramPasswords {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * Verifiers already proven to match, with a digest of the password they matched: re-deriving
   * costs 4096 HMAC rounds per role and reconcile. Bounded; in memory only.
   */
  private static final Map<String, String> PROVEN = new ConcurrentHashMap<>();
  private static final int MAX_PROVEN = 10_000;

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
      String verifier = PasswordUtil.encodeScramSha256(chars);
      remember(verifier, digest(password));
      return verifier;
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
    String digest = digest(password);
    if (digest.equals(PROVEN.get(verifier))) {
      return true;
    }
    char[] chars = password.toCharArray();
    try {
      int iterations = Integer.parseInt(iterationAndSalt[0]);
      byte[] salt = Base64.getDecoder().decode(iterationAndSalt[1]);
      String derived = PasswordUtil.encodeScramSha256(chars, iterations, salt);
      boolean matches = MessageDigest.isEqual(
          derived.getBytes(StandardCharsets.US_ASCII), verifier.getBytes(StandardCharsets.US_ASCII));
      if (matches) {
        remember(verifier, digest);
      }
      return matches;
    } catch (IllegalArgumentException e) {
      return false;
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  private static void remember(String verifier, String digest) {
    if (PROVEN.size() >= MAX_PROVEN) {
      PROVEN.clear();
    }
    PROVEN.put(verifier, digest);
  }

  private static String digest(String password) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
