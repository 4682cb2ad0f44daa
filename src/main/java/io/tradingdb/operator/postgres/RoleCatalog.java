package io.tradingdb.operator.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads roles, memberships and ACLs from the catalog in four round trips (five for a superuser,
 * who may read the password verifier). Names travel as bind parameters only.
 */
public final class RoleCatalog {

  /** Schemas whose ACLs belong to PostgreSQL or TimescaleDB (chunks inherit hypertable grants). */
  private static final String USER_SCHEMA =
      " n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname !~ '^_?timescaledb'";

  /** The session, the role (null columns when it does not exist) and its direct memberships. */
  private static final String SESSION_AND_ROLE = """
      SELECT current_database(), current_user, me.rolsuper,
             r.oid, r.rolcanlogin, r.rolinherit, r.rolconnlimit,
             CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity' THEN NULL
                  ELSE (extract(epoch FROM r.rolvaliduntil) * 1000000)::bigint END,
             r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
             shobj_description(r.oid, 'pg_authid'),
             ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   WHERE m.member = r.oid)
      FROM pg_roles me LEFT JOIN pg_roles r ON r.rolname = ?
      WHERE me.rolname = current_user""";

  private static final String VERIFIER = "SELECT rolpassword FROM pg_authid WHERE oid = ?";

  /** Every ACL entry naming the role: kind, schema, name, relkind or default-ACL type, privilege, grantable. */
  private static final String ACLS = """
      SELECT 'database', NULL::name, d.datname, NULL::"char", a.privilege_type, a.is_grantable
        FROM pg_database d, aclexplode(d.datacl) a
        WHERE d.datname = current_database() AND a.grantee = ? AND d.datdba <> a.grantee
      UNION ALL
      SELECT 'schema', NULL::name, n.nspname, NULL::"char", a.privilege_type, a.is_grantable
        FROM pg_namespace n, aclexplode(n.nspacl) a
        WHERE a.grantee = ? AND n.nspowner <> a.grantee AND""" + USER_SCHEMA + """

      UNION ALL
      SELECT 'relation', n.nspname, c.relname, c.relkind, a.privilege_type, a.is_grantable
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
        WHERE a.grantee = ? AND c.relowner <> a.grantee
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND""" + USER_SCHEMA + """

      UNION ALL
      SELECT 'default', n.nspname, cr.rolname, d.defaclobjtype, a.privilege_type, a.is_grantable
        FROM pg_default_acl d JOIN pg_roles cr ON cr.oid = d.defaclrole
             LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
        WHERE a.grantee = ? AND d.defaclobjtype IN ('r', 'S')""";

  /** Contents of the schemas asked about, and which of the roles asked about exist. */
  private static final String SCHEMAS_AND_ROLES = """
      SELECT 'schema', n.nspname, c.relname, c.relkind
        FROM pg_namespace n
             LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        WHERE n.nspname = ANY (?)
      UNION ALL
      SELECT 'role', NULL, rolname, NULL FROM pg_roles WHERE rolname = ANY (?)""";

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
    RoleState state = null;
    try (PreparedStatement ps = c.prepareStatement(SESSION_AND_ROLE)) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the session's own role is not in pg_roles", "42704");
        }
        database = rs.getString(1);
        currentUser = rs.getString(2);
        superuser = rs.getBoolean(3);
        long oid = rs.getLong(4);
        if (!rs.wasNull()) {
          long micros = rs.getLong(8);
          Instant validUntil = rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
          RoleAttributes attributes = new RoleAttributes(
              rs.getBoolean(5), rs.getBoolean(6), rs.getInt(7), validUntil, rs.getBoolean(9),
              rs.getBoolean(10), rs.getBoolean(11), rs.getBoolean(12), rs.getBoolean(13));
          Set<String> memberOf = new TreeSet<>(Arrays.asList((String[]) rs.getArray(15).getArray()));
          state = new RoleState(oid, attributes, rs.getString(14), null, Set.copyOf(memberOf));
        }
      }
    }
    Set<ObjectPrivilege> privileges = new HashSet<>();
    Set<ObjectPrivilege> grantOptions = new HashSet<>();
    Set<DefaultPrivilege> defaults = new HashSet<>();
    if (state != null) {
      if (superuser) {
        state = new RoleState(state.oid(), state.attributes(), state.comment(), verifier(c, state.oid()), state.memberOf());
      }
      readAcls(c, state.oid(), privileges, grantOptions, defaults);
    }
    Map<String, CatalogSnapshot.SchemaContents> contents = new TreeMap<>();
    Set<String> existingRoles = new TreeSet<>();
    readSchemasAndRoles(c, schemas, roles, contents, existingRoles);
    return new CatalogSnapshot(
        database, currentUser, superuser, Optional.ofNullable(state), Set.copyOf(privileges),
        Set.copyOf(grantOptions), Set.copyOf(defaults), contents, Set.copyOf(existingRoles));
  }

  private static String verifier(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(VERIFIER)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void readAcls(
      Connection c, long oid, Set<ObjectPrivilege> privileges, Set<ObjectPrivilege> grantOptions,
      Set<DefaultPrivilege> defaults) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ACLS)) {
      for (int i = 1; i <= 4; i++) {
        ps.setLong(i, oid);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String schema = rs.getString(2);
          String name = rs.getString(3);
          String type = rs.getString(4);
          String privilege = rs.getString(5);
          ObjectRef object = switch (rs.getString(1)) {
            case "database" -> ObjectRef.database(name);
            case "schema" -> ObjectRef.schema(name);
            case "relation" -> "S".equals(type) ? ObjectRef.sequence(schema, name) : ObjectRef.table(schema, name);
            default -> null;
          };
          if (object == null) {
            ObjectKind kind = "S".equals(type) ? ObjectKind.SEQUENCE : ObjectKind.TABLE;
            defaults.add(new DefaultPrivilege(name, schema, kind, privilege));
            continue;
          }
          ObjectPrivilege entry = new ObjectPrivilege(object, privilege);
          privileges.add(entry);
          if (rs.getBoolean(6)) {
            grantOptions.add(entry);
          }
        }
      }
    }
  }

  private static void readSchemasAndRoles(
      Connection c, Collection<String> schemas, Collection<String> roles,
      Map<String, CatalogSnapshot.SchemaContents> contents, Set<String> existingRoles) throws SQLException {
    if (schemas.isEmpty() && roles.isEmpty()) {
      return;
    }
    Map<String, Set<String>> tables = new TreeMap<>();
    Map<String, Set<String>> sequences = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(SCHEMAS_AND_ROLES)) {
      ps.setArray(1, textArray(c, schemas));
      ps.setArray(2, textArray(c, roles));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ("role".equals(rs.getString(1))) {
            existingRoles.add(rs.getString(3));
            continue;
          }
          String schema = rs.getString(2);
          tables.computeIfAbsent(schema, k -> new TreeSet<>());
          sequences.computeIfAbsent(schema, k -> new TreeSet<>());
          String relation = rs.getString(3);
          if (relation != null) {
            ("S".equals(rs.getString(4)) ? sequences : tables).get(schema).add(relation);
          }
        }
      }
    }
    tables.forEach((schema, t) ->
        contents.put(schema, new CatalogSnapshot.SchemaContents(Set.copyOf(t), Set.copyOf(sequences.get(schema)))));
  }

  private static Array textArray(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray(new String[0]));
  }
}
