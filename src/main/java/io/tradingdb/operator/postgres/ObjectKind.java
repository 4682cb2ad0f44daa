package io.tradingdb.operator.postgres;

import java.util.Comparator;
import java.util.List;

/** Kinds of objects the operator grants on, with the privilege keywords each accepts. */
public enum ObjectKind {
  DATABASE("DATABASE", List.of("CONNECT", "CREATE", "TEMPORARY")),
  SCHEMA("SCHEMA", List.of("USAGE", "CREATE")),
  // MAINTAIN exists from PostgreSQL 17; listed so a grant of it can be revoked as drift.
  TABLE("TABLE", List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN")),
  SEQUENCE("SEQUENCE", List.of("USAGE", "SELECT", "UPDATE"));

  private final String keyword;
  private final List<String> privileges;

  ObjectKind(String keyword, List<String> privileges) {
    this.keyword = keyword;
    this.privileges = privileges;
  }

  public String keyword() { return keyword; }

  /** Privilege keywords in the order statements list them. */
  public List<String> privileges() { return privileges; }

  /** The privilege keyword, checked: keywords are written into SQL unquoted. */
  public String checkPrivilege(String privilege) {
    if (!privileges.contains(privilege)) {
      throw new IllegalArgumentException(privilege + " is not a privilege on a " + keyword);
    }
    return privilege;
  }

  public Comparator<String> privilegeOrder() {
    return Comparator.comparingInt(privileges::indexOf);
  }
}
