package io.tradingdb.operator.postgres;

/**
 * One entry of pg_default_acl for a grantee: objects of {@code kind} (TABLE or SEQUENCE) that
 * {@code creator} creates in {@code schema} (null: in any schema) get {@code privilege}.
 */
public record DefaultPrivilege(String creator, String schema, ObjectKind kind, String privilege) {

  public DefaultPrivilege {
    if (kind != ObjectKind.TABLE && kind != ObjectKind.SEQUENCE) {
      throw new IllegalArgumentException("default privileges are managed for tables and sequences only");
    }
    kind.checkPrivilege(privilege);
  }

  /** Entries that differ only in privilege share a key and become one statement. */
  public record Key(String creator, String schema, ObjectKind kind) implements Comparable<Key> {
    private static final java.util.Comparator<Key> ORDER =
        java.util.Comparator.comparing(Key::creator)
            .thenComparing(k -> k.schema() == null ? "" : k.schema())
            .thenComparing(Key::kind);

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }
  }

  public Key key() {
    return new Key(creator, schema, kind);
  }
}
