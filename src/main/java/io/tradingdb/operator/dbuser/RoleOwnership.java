package io.tradingdb.operator.dbuser;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mark on roles the operator manages: a COMMENT naming the DbUser. A role without it (or
 * marked for another DbUser that still exists) is never changed or dropped.
 */
public final class RoleOwnership {

  private static final String PREFIX = "managed-by tradingdb-operator: ";
  private static final Pattern MARK = Pattern.compile("^managed-by tradingdb-operator: ([^/ ]+)/([^ ]+) uid ([-0-9a-fA-F]+)$");

  /** The DbUser a mark names. */
  public record Owner(String namespace, String name, String uid) {
    public boolean sameObjectName(String otherNamespace, String otherName) {
      return namespace.equals(otherNamespace) && name.equals(otherName);
    }
  }

  private RoleOwnership() {}

  public static String comment(String namespace, String name, String uid) {
    return PREFIX + namespace + "/" + name + " uid " + uid;
  }

  public static Optional<Owner> parse(String comment) {
    if (comment == null) {
      return Optional.empty();
    }
    Matcher m = MARK.matcher(comment);
    return m.matches() ? Optional.of(new Owner(m.group(1), m.group(2), m.group(3))) : Optional.empty();
  }
}
