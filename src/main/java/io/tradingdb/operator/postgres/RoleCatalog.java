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

  /**
   * Schemas whose ACLs TimescaleDB manages (chunks inherit hypertable grants). System schemas are
   * read: a DbUser may never hold anything there, so what is found is revoked.
   */
  private static final String MANAGED_SCHEMA = " n.nspname !~ '^_?timescaledb'";

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
        WHERE a.grantee = ? AND n.nspowner <> a.grantee AND""" + MANAGED_SCHEMA + """

      UNION ALL
      SELECT 'relation', n.nspname, c.relname, c.relkind, a.privilege_type, a.is_grantable
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
        WHERE a.grantee = ? AND c.relowner <> a.grantee
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND""" + MANAGED_SCHEMA + """

      UNION ALL
      SELECT 'default', n.nspname, cr.rolname, d.defaclobjtype, a.privilege_type, a.is_grantable
        FROM pg_default_acl d JOIN pg_roles cr ON cr.oid = d.defaclrole
             LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
        WHERE a.grantee = ? AND d.defaclobjtype IN ('r', 'S')""";

  /** Contents of the schemas asked about. */
  private static final String SCHEMAS = """
      SELECT n.nspname, c.relname, c.relkind
        FROM pg_namespace n
             LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        WHERE n.nspname = ANY (?)""";

  /**
   * For each role asked about that exists: itself and every role it is a member of, however
   * indirectly (UNION stops at roles already reached), with their administrative attributes.
   */
  private static final String REACHABLE_ROLES = """
      WITH RECURSIVE reach(origin, oid) AS (
          SELECT r.rolname, r.oid FROM pg_roles r WHERE r.rolname = ANY (?)
        UNION
          SELECT reach.origin, m.roleid FROM reach JOIN pg_auth_members m ON m.member = reach.oid)
      SELECT reach.origin, g.rolname, g.rolsuper, g.rolcreaterole, g.rolcreatedb, g.rolreplication, g.rolbypassrls
        FROM reach JOIN pg_roles g ON g.oid = reach.oid""";

  private RoleCatalog() {}

  /**
   * @param role the role to describe
   * @param schemas schemas whose contents the plan needs (named in the spec)
   * @param roles other roles whose existence and reachable roles the plan needs (memberOf, forRole,
   *     reassignOwnedTo, the predefined roles a DbUser may join); the role itself is always included
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
    Map<String, CatalogSnapshot.SchemaContents> contents = readSchemas(c, schemas);
    Set<String> origins = new TreeSet<>(roles);
    origins.add(role);
    Map<String, Set<ReachableRole>> reachable = readReachableRoles(c, origins);
    Set<String> existingRoles = new TreeSet<>(reachable.keySet());
    existingRoles.retainAll(roles);
    return new CatalogSnapshot(
        database, currentUser, superuser, Optional.ofNullable(state), Set.copyOf(privileges),
        Set.copyOf(grantOptions), Set.copyOf(defaults), contents, Set.copyOf(existingRoles), reachable);
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

  private static Map<String, CatalogSnapshot.SchemaContents> readSchemas(Connection c, Collection<String> schemas)
      throws SQLException {
    Map<String, CatalogSnapshot.SchemaContents> contents = new TreeMap<>();
    if (schemas.isEmpty()) {
      return contents;
    }
    Map<String, Set<String>> tables = new TreeMap<>();
    Map<String, Set<String>> sequences = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(SCHEMAS)) {
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
    tables.forEach((schema, t) ->
        contents.put(schema, new CatalogSnapshot.SchemaContents(Set.copyOf(t), Set.copyOf(sequences.get(schema)))));
    return contents;
  }

  private static Map<String, Set<ReachableRole>> readReachableRoles(Connection c, Collection<String> roles)
      throws SQLException {
    Map<String, Set<ReachableRole>> reachable = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(REACHABLE_ROLES)) {
      ps.setArray(1, textArray(c, roles));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reachable.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(new ReachableRole(
              rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7)));
        }
      }
    }
    reachable.replaceAll((role, set) -> Set.copyOf(set));
    return reachable;
  }

  private static Array textArray(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray(new String[0]));
  }
}
