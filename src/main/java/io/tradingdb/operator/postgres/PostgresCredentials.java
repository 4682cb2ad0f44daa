package io.tradingdb.operator.postgres;

/** A user name and password to log in with. {@link #toString} never shows the password. */
public record PostgresCredentials(String username, String password) {

  public PostgresCredentials {
    if (username == null || username.isEmpty() || password == null) {
      throw new IllegalArgumentException("credentials need a user name and a password");
    }
  }

  @Override
  public String toString() {
    return "PostgresCredentials[username=" + username + ", password=<redacted>]";
  }
}
