package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.kube.Durations;

import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUserSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.DefaultObjectType;
import io.tradingdb.operator.api.v1alpha1.dbuser.DefaultPrivilegeGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.PasswordSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.Preset;
import io.tradingdb.operator.api.v1alpha1.dbuser.PrivilegesSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReclaimPolicy;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReservedNames;
import io.tradingdb.operator.api.v1alpha1.dbuser.SchemaGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.SequenceGrant;
import io.tradingdb.operator.api.v1alpha1.dbuser.TableGrant;
import io.tradingdb.operator.dbuser.DesiredRole.DefaultRule;
import io.tradingdb.operator.dbuser.DesiredRole.RelationRule;
import io.tradingdb.operator.dbuser.DesiredRole.SchemaRule;
import io.tradingdb.operator.postgres.ObjectKind;
import io.tradingdb.operator.postgres.RoleAttributes;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A DbUser with defaults resolved and presets expanded, validated once. What the schema cannot
 * check (byte lengths, parse errors) becomes an {@link InvalidSpecException} with a message for
 * the user.
 *
 * @param passwordLength length of a generated password, or 0 when the password comes from a Secret
 * @param passwordSecret the user's Secret key with the password, or null when generated
 * @param rotationInterval time between rotations of a generated password, or null
 */
public record DbUserModel(
    DesiredRole role,
    boolean adopt,
    int passwordLength,
    SecretKeyRef passwordSecret,
    Duration rotationInterval,
    String connectionSecretName,
    ReclaimPolicy reclaimPolicy,
    String reassignOwnedTo) {

  public static final String DEFAULT_SCHEMA = "public";
  public static final int DEFAULT_PASSWORD_LENGTH = 32;
  public static final Duration MIN_ROTATION = Duration.ofHours(1);

  private static final List<String> READ_ONLY_TABLES = List.of("SELECT");
  private static final List<String> READ_WRITE_TABLES = List.of("SELECT", "INSERT", "UPDATE", "DELETE");
  private static final List<String> READ_ONLY_SEQUENCES = List.of("USAGE", "SELECT");
  private static final List<String> READ_WRITE_SEQUENCES = List.of("USAGE", "SELECT", "UPDATE");

  public boolean generatedPassword() {
    return passwordSecret == null;
  }

  public static String connectionSecretName(DbUser user) {
    String configured = user.getSpec() == null ? null : user.getSpec().getConnectionSecretRef() == null ? null
        : user.getSpec().getConnectionSecretRef().getName();
    return configured != null ? configured : user.getMetadata().getName() + "-connection";
  }

  public static DbUserModel from(DbUser user) {
    DbUserSpec spec = user.getSpec();
    if (spec == null || spec.getTarget() == null) {
      throw new InvalidSpecException("spec.target is required");
    }
    String roleName = roleName(spec.getRoleName(), "spec.roleName");
    if (predefinedOrPseudo(roleName)) {
      throw new InvalidSpecException("spec.roleName '" + roleName + "' is reserved by PostgreSQL");
    }
    if (ReservedNames.OPERATOR_ROLES.contains(roleName)) {
      throw new InvalidSpecException("spec.roleName '" + roleName + "' is reserved: it is one of the operator's own roles");
    }
    RoleAttributes attributes = RoleAttributes.application(
        spec.getLogin() == null || spec.getLogin(),
        spec.getInherit() == null || spec.getInherit(),
        spec.getConnectionLimit() == null ? -1 : spec.getConnectionLimit(),
        validUntil(spec.getValidUntil()));
    Set<String> memberOf = new TreeSet<>();
    for (String group : nullToEmpty(spec.getMemberOf())) {
      if (ReservedNames.neverMemberOf(roleName(group, "spec.memberOf"))) {
        throw new InvalidSpecException("spec.memberOf may not name " + group
            + ": the operator's own roles, the server-access roles and public/none are never granted");
      }
      memberOf.add(group);
    }
    if (memberOf.contains(roleName)) {
      throw new InvalidSpecException("spec.memberOf cannot contain the role itself");
    }
    DesiredRole role = privileges(roleName, attributes, memberOf, spec.getPrivileges());

    PasswordSpec password = spec.getPassword();
    SecretKeyRef secretRef = password == null ? null : password.getSecretRef();
    if (secretRef != null && password.getGenerate() != null) {
      throw new InvalidSpecException("spec.password.generate and spec.password.secretRef are mutually exclusive");
    }
    int length = 0;
    if (secretRef == null) {
      Integer configured = password == null || password.getGenerate() == null ? null : password.getGenerate().getLength();
      length = configured == null ? DEFAULT_PASSWORD_LENGTH : configured;
      if (length < 16 || length > 128) {
        throw new InvalidSpecException("spec.password.generate.length must be 16 to 128");
      }
    } else if (secretRef.getKey() == null) {
      secretRef = new SecretKeyRef(secretRef.getName(), "password");
    }
    Duration rotation = null;
    if (spec.getRotation() != null && !Boolean.FALSE.equals(spec.getRotation().getEnabled())) {
      if (secretRef != null) {
        throw new InvalidSpecException("spec.rotation needs a generated password, not spec.password.secretRef");
      }
      if (spec.getRotation().getInterval() == null) {
        throw new InvalidSpecException("spec.rotation.interval is required");
      }
      rotation = Durations.field("spec.rotation.interval", spec.getRotation().getInterval(), null, MIN_ROTATION, null);
    }
    String reassignTo = spec.getReassignOwnedTo() == null ? null : roleName(spec.getReassignOwnedTo(), "spec.reassignOwnedTo");
    if (roleName.equals(reassignTo)) {
      throw new InvalidSpecException("spec.reassignOwnedTo cannot be the role itself");
    }
    if (reassignTo != null && (predefinedOrPseudo(reassignTo) || ReservedNames.OPERATOR_ROLES.contains(reassignTo))) {
      throw new InvalidSpecException("spec.reassignOwnedTo may not be " + reassignTo
          + ": predefined roles, public, none and the operator's own roles never receive a DbUser's objects");
    }
    return new DbUserModel(
        role,
        Boolean.TRUE.equals(spec.getAdopt()),
        length,
        secretRef,
        rotation,
        connectionSecretName(user),
        spec.getReclaimPolicy() == null ? ReclaimPolicy.RETAIN : spec.getReclaimPolicy(),
        reassignTo);
  }

  private static DesiredRole privileges(
      String roleName, RoleAttributes attributes, Set<String> memberOf, PrivilegesSpec spec) {
    Set<String> database = new LinkedHashSet<>();
    Map<String, Set<String>> schemas = new LinkedHashMap<>();
    List<RelationRule> relations = new ArrayList<>();
    List<DefaultRule> defaults = new ArrayList<>();
    if (spec == null) {
      return new DesiredRole(roleName, attributes, memberOf, database, List.of(), relations, defaults);
    }
    List<String> presetSchemas = new ArrayList<>();
    for (SchemaGrant grant : nullToEmpty(spec.getSchemas())) {
      String schema = schema(grant.getName(), "spec.privileges.schemas[].name");
      presetSchemas.add(schema);
      Set<String> privileges = schemas.computeIfAbsent(schema, k -> new LinkedHashSet<>());
      nullToEmpty(grant.getPrivileges()).forEach(p -> privileges.add(p.name()));
    }
    nullToEmpty(spec.getDatabase()).forEach(p -> database.add(p.name()));
    if (spec.getPreset() != null) {
      boolean write = spec.getPreset() == Preset.READ_WRITE;
      database.add("CONNECT");
      for (String schema : presetSchemas.isEmpty() ? List.of(DEFAULT_SCHEMA) : presetSchemas) {
        schemas.computeIfAbsent(schema, k -> new LinkedHashSet<>()).add("USAGE");
        List<String> tables = write ? READ_WRITE_TABLES : READ_ONLY_TABLES;
        List<String> sequences = write ? READ_WRITE_SEQUENCES : READ_ONLY_SEQUENCES;
        relations.add(new RelationRule(ObjectKind.TABLE, schema, Set.of(), true, Set.copyOf(tables)));
        relations.add(new RelationRule(ObjectKind.SEQUENCE, schema, Set.of(), true, Set.copyOf(sequences)));
        defaults.add(new DefaultRule(null, schema, ObjectKind.TABLE, Set.copyOf(tables)));
        defaults.add(new DefaultRule(null, schema, ObjectKind.SEQUENCE, Set.copyOf(sequences)));
      }
    }
    for (TableGrant grant : nullToEmpty(spec.getTables())) {
      relations.add(relationRule(ObjectKind.TABLE, grant.getSchema(), grant.getNames(),
          Boolean.TRUE.equals(grant.getAllTables()), enumNames(grant.getPrivileges()),
          "spec.privileges.tables"));
    }
    for (SequenceGrant grant : nullToEmpty(spec.getSequences())) {
      relations.add(relationRule(ObjectKind.SEQUENCE, grant.getSchema(), grant.getNames(),
          Boolean.TRUE.equals(grant.getAllSequences()), enumNames(grant.getPrivileges()),
          "spec.privileges.sequences"));
    }
    for (DefaultPrivilegeGrant grant : nullToEmpty(spec.getDefaultPrivileges())) {
      ObjectKind kind = grant.getObjectType() == DefaultObjectType.SEQUENCES ? ObjectKind.SEQUENCE : ObjectKind.TABLE;
      Set<String> privileges = checkedPrivileges(kind, grant.getPrivileges(), "spec.privileges.defaultPrivileges");
      String creator = grant.getForRole() == null ? null : roleName(grant.getForRole(), "spec.privileges.defaultPrivileges[].forRole");
      defaults.add(new DefaultRule(creator, schemaOrDefault(grant.getSchema(), "spec.privileges.defaultPrivileges[].schema"),
          kind, privileges));
    }
    List<SchemaRule> schemaRules = new ArrayList<>();
    schemas.forEach((schema, privileges) -> {
      if (!privileges.isEmpty()) {
        schemaRules.add(new SchemaRule(schema, Set.copyOf(privileges)));
      }
    });
    return new DesiredRole(roleName, attributes, memberOf, Set.copyOf(database), schemaRules, relations, defaults);
  }

  private static RelationRule relationRule(
      ObjectKind kind, String schema, List<String> names, boolean all, Collection<String> privileges, String field) {
    if (all == (names != null && !names.isEmpty())) {
      throw new InvalidSpecException(field + ": set exactly one of names or all" + (kind == ObjectKind.TABLE ? "Tables" : "Sequences"));
    }
    Set<String> checkedNames = new TreeSet<>();
    for (String name : nullToEmpty(names)) {
      checkedNames.add(identifier(name, field + "[].names"));
    }
    return new RelationRule(kind, schemaOrDefault(schema, field + "[].schema"), Set.copyOf(checkedNames), all,
        checkedPrivileges(kind, privileges, field));
  }

  private static Set<String> checkedPrivileges(ObjectKind kind, Collection<String> privileges, String field) {
    if (privileges == null || privileges.isEmpty()) {
      throw new InvalidSpecException(field + "[].privileges must not be empty");
    }
    Set<String> result = new LinkedHashSet<>();
    for (String privilege : privileges) {
      if (privilege.equals("MAINTAIN") || !kind.privileges().contains(privilege)) {
        throw new InvalidSpecException(field + ": " + privilege + " is not a privilege on " + kind.keyword().toLowerCase() + "s");
      }
      result.add(privilege);
    }
    return Set.copyOf(result);
  }

  private static String schemaOrDefault(String schema, String field) {
    return schema == null ? DEFAULT_SCHEMA : schema(schema, field);
  }

  /** A schema the spec names; system schemas are refused whatever their letter case. */
  private static String schema(String name, String field) {
    identifier(name, field);
    if (ReservedNames.isSystemSchema(name)) {
      throw new InvalidSpecException(field + ": " + name + " is a system schema; DbUsers are never granted "
          + "anything in pg_*, information_schema, TimescaleDB's or the operator's schemas");
    }
    return name;
  }

  /** pg_* in any letter case (PostgreSQL reserves the lower-case prefix), public and none. */
  private static boolean predefinedOrPseudo(String role) {
    return role.toLowerCase(Locale.ROOT).startsWith("pg_") || ReservedNames.PSEUDO_ROLES.contains(role);
  }

  private static String roleName(String name, String field) {
    return identifier(name, field);
  }

  /** The quoting function's own checks (length in bytes, NUL, UTF-16) are the ones that count. */
  private static String identifier(String name, String field) {
    try {
      SqlQuote.identifier(name);
      return name;
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field + ": " + e.getMessage());
    }
  }

  private static Instant validUntil(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidSpecException("spec.validUntil '" + text + "' is not an RFC 3339 time");
    }
  }

  private static List<String> enumNames(List<? extends Enum<?>> values) {
    return nullToEmpty(values).stream().map(Enum::name).toList();
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
