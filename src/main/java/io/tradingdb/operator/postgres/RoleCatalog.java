package io.tradingdb.operator.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads roles, memberships and ACLs from the catalog. Names travel as bind parameters only. */
public final class RoleCatalog {

  /** Schemas whose ACLs belong to PostgreSQL or TimescaleDB (chunks inherit hypertable grants). */
  private static final String USER_SCHEMA =
      " n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname !~ '^_?timescaledb'";

  private static final String SESSION = """
      SELECT current_database(), current_user,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)""";

  private static final String ROLE = """
      SELECT r.oid, r.rolcanlogin, r.rolinherit, r.rolconnlimit,
             CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity' THEN NULL
                  ELSE (extract(epoch FROM r.rolvaliduntil) * 1000000)::bigint END,
             r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
             shobj_description(r.oid, 'pg_authid')
      FROM pg_roles r WHERE r.rolname = ?""";

  private static final String VERIFIER = "SELECT rolpassword FROM pg_authid WHERE oid = ?";

  private static final String MEMBER_OF = """
      SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = ?""";

  private static final String DATABASE_ACL = """
      SELECT a.privilege_type, a.is_grantable FROM pg_database d, aclexplode(d.datacl) a
      WHERE d.datname = current_database() AND a.grantee = ? AND d.datdba <> a.grantee""";

  private static final String SCHEMA_ACL = """
      SELECT n.nspname, a.privilege_type, a.is_grantable FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE a.grantee = ? AND n.nspowner <> a.grantee AND """ + USER_SCHEMA;

  private static final String RELATION_ACL = """
      SELECT n.nspname, c.relname, c.relkind, a.privilege_type, a.is_grantable
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
      WHERE a.grantee = ? AND c.relowner <> a.grantee
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND """ + USER_SCHEMA;

  private static final String DEFAULT_ACL = """
      SELECT cr.rolname, n.nspname, d.defaclobjtype, a.privilege_type
      FROM pg_default_acl d JOIN pg_roles cr ON cr.oid = d.defaclrole
           LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
      WHERE a.grantee = ? AND d.defaclobjtype IN ('r', 'S')""";

  private static final String SCHEMA_CONTENTS = """
      SELECT n.nspname, c.relname, c.relkind
      FROM pg_namespace n
           LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      WHERE n.nspname = ANY (?)""";

  private static final String EXISTING_ROLES = "SELECT rolname FROM pg_roles WHERE rolname = ANY (?)";

  private RoleCatalog() {}

  /**
   * @param role the role to describe
   * @param schemas schemas whose contents the plan needs (named in the spec)
   * @param roles other roles whose existence the plan needs (memberOf, forRole, reassignOwnedTo)
   */
  public static CatalogSnapshot read(
      Connection c, String role, Collection<String> schemas, Collection<String> roles) throws SQLException {
    String database;
    String currentUser;
    boolean superuser;
    try (PreparedStatement ps = c.prepareStatement(SESSION); ResultSet rs = ps.executeQuery()) {
      rs.next();
      database = rs.getString(1);
      currentUser = rs.getString(2);
      superuser = rs.getBoolean(3);
    }
    Optional<RoleState> state = readRole(c, role, superuser);
    Set<ObjectPrivilege> privileges = new HashSet<>();
    Set<ObjectPrivilege> grantOptions = new HashSet<>();
    Set<DefaultPrivilege> defaults = new HashSet<>();
    if (state.isPresent()) {
      long oid = state.get().oid();
      readPrivileges(c, oid, database, privileges, grantOptions);
      readDefaultPrivileges(c, oid, defaults);
    }
    return new CatalogSnapshot(
        database, currentUser, superuser, state, Set.copyOf(privileges), Set.copyOf(grantOptions), Set.copyOf(defaults),
        readSchemaContents(c, schemas), existingRoles(c, roles));
  }

  private static Optional<RoleState> readRole(Connection c, String role, boolean superuser) throws SQLException {
    long oid;
    RoleAttributes attributes;
    String comment;
    try (PreparedStatement ps = c.prepareStatement(ROLE)) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        oid = rs.getLong(1);
        long micros = rs.getLong(5);
        Instant validUntil = rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        attributes = new RoleAttributes(
            rs.getBoolean(2), rs.getBoolean(3), rs.getInt(4), validUntil, rs.getBoolean(6),
            rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9), rs.getBoolean(10));
        comment = rs.getString(11);
      }
    }
    String verifier = null;
    if (superuser) {
      try (PreparedStatement ps = c.prepareStatement(VERIFIER)) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          verifier = rs.next() ? rs.getString(1) : null;
        }
      }
    }
    Set<String> memberOf = new TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(MEMBER_OF)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          memberOf.add(rs.getString(1));
        }
      }
    }
    return Optional.of(new RoleState(oid, attributes, comment, verifier, Set.copyOf(memberOf)));
  }

  private static void readPrivileges(
      Connection c, long oid, String database, Set<ObjectPrivilege> out, Set<ObjectPrivilege> grantable)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DATABASE_ACL)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          add(new ObjectPrivilege(ObjectRef.database(database), rs.getString(1)), rs.getBoolean(2), out, grantable);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(SCHEMA_ACL)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          add(new ObjectPrivilege(ObjectRef.schema(rs.getString(1)), rs.getString(2)), rs.getBoolean(3), out, grantable);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(RELATION_ACL)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          boolean sequence = "S".equals(rs.getString(3));
          ObjectRef object = sequence
              ? ObjectRef.sequence(rs.getString(1), rs.getString(2))
              : ObjectRef.table(rs.getString(1), rs.getString(2));
          add(new ObjectPrivilege(object, rs.getString(4)), rs.getBoolean(5), out, grantable);
        }
      }
    }
  }

  private static void add(
      ObjectPrivilege privilege, boolean withGrantOption, Set<ObjectPrivilege> out, Set<ObjectPrivilege> grantable) {
    out.add(privilege);
    if (withGrantOption) {
      grantable.add(privilege);
    }
  }

  private static void readDefaultPrivileges(Connection c, long oid, Set<DefaultPrivilege> out) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DEFAULT_ACL)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectKind kind = "S".equals(rs.getString(3)) ? ObjectKind.SEQUENCE : ObjectKind.TABLE;
          out.add(new DefaultPrivilege(rs.getString(1), rs.getString(2), kind, rs.getString(4)));
        }
      }
    }
  }

  private static Map<String, CatalogSnapshot.SchemaContents> readSchemaContents(
      Connection c, Collection<String> schemas) throws SQLException {
    Map<String, Set<String>> tables = new TreeMap<>();
    Map<String, Set<String>> sequences = new HashMap<>();
    if (!schemas.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(SCHEMA_CONTENTS)) {
        ps.setArray(1, textArray(c, schemas));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String schema = rs.getString(1);
            tables.computeIfAbsent(schema, k -> new TreeSet<>());
            sequences.computeIfAbsent(schema, k -> new TreeSet<>());
            String relation = rs.getString(2);
            if (relation != null) {
              ("S".equals(rs.getString(3)) ? sequences : tables).get(schema).add(relation);
            }
          }
        }
      }
    }
    Map<String, CatalogSnapshot.SchemaContents> result = new TreeMap<>();
    tables.forEach((schema, t) ->
        result.put(schema, new CatalogSnapshot.SchemaContents(Set.copyOf(t), Set.copyOf(sequences.get(schema)))));
    return result;
  }

  private static Set<String> existingRoles(Connection c, Collection<String> roles) throws SQLException {
    Set<String> found = new TreeSet<>();
    if (roles.isEmpty()) {
      return found;
    }
    try (PreparedStatement ps = c.prepareStatement(EXISTING_ROLES)) {
      ps.setArray(1, textArray(c, roles));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    return Set.copyOf(found);
  }

  private static Array textArray(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray(new String[0]));
  }
}
