package io.tradingdb.operator.postgres;

import java.util.Comparator;

/**
 * A database, schema, table or sequence. {@code schema} is null for databases and schemas.
 */
public record ObjectRef(ObjectKind kind, String schema, String name) implements Comparable<ObjectRef> {

  private static final Comparator<ObjectRef> ORDER =
      Comparator.comparing(ObjectRef::kind)
          .thenComparing(o -> o.schema() == null ? "" : o.schema())
          .thenComparing(ObjectRef::name);

  public static ObjectRef database(String name) { return new ObjectRef(ObjectKind.DATABASE, null, name); }
  public static ObjectRef schema(String name) { return new ObjectRef(ObjectKind.SCHEMA, null, name); }
  public static ObjectRef table(String schema, String name) { return new ObjectRef(ObjectKind.TABLE, schema, name); }
  public static ObjectRef sequence(String schema, String name) { return new ObjectRef(ObjectKind.SEQUENCE, schema, name); }

  /** The object as SQL after GRANT ... ON, e.g. {@code TABLE "public"."news_articles"}. */
  public String sql() {
    return kind.keyword() + " " + (schema == null ? SqlQuote.identifier(name) : SqlQuote.qualified(schema, name));
  }

  @Override
  public int compareTo(ObjectRef other) {
    return ORDER.compare(this, other);
  }
}
