package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.api.v1alpha1.common.SecretKeyRef;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.api.v1alpha1.dbuser.GeneratedPassword;
import io.tradingdb.operator.api.v1alpha1.dbuser.PasswordSpec;
import io.tradingdb.operator.api.v1alpha1.dbuser.ReclaimPolicy;
import io.tradingdb.operator.api.v1alpha1.dbuser.RotationSpec;
import io.tradingdb.operator.dbuser.DesiredRole.DefaultRule;
import io.tradingdb.operator.dbuser.DesiredRole.RelationRule;
import io.tradingdb.operator.dbuser.DesiredRole.SchemaRule;
import io.tradingdb.operator.postgres.ObjectKind;
import io.tradingdb.operator.postgres.RoleAttributes;
import io.tradingdb.operator.kube.InvalidSpecException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DbUserModelTest {

  @Test
  void readOnlyPresetExpandsToConnectUsageSelectAndDefaultPrivileges() {
    DbUserModel model = DbUserModel.from(DbUserFixtures.load("readonly-user.yaml"));
    DesiredRole role = model.role();
    assertThat(role.roleName()).isEqualTo("analyst");
    assertThat(role.attributes()).isEqualTo(RoleAttributes.application(true, true, -1, null));
    assertThat(role.databasePrivileges()).containsExactly("CONNECT");
    assertThat(role.schemaPrivileges()).containsExactly(new SchemaRule("public", Set.of("USAGE")));
    assertThat(role.relations()).containsExactly(
        new RelationRule(ObjectKind.TABLE, "public", Set.of(), true, Set.of("SELECT")),
        new RelationRule(ObjectKind.SEQUENCE, "public", Set.of(), true, Set.of("USAGE", "SELECT")));
    assertThat(role.defaults()).containsExactly(
        new DefaultRule(null, "public", ObjectKind.TABLE, Set.of("SELECT")),
        new DefaultRule(null, "public", ObjectKind.SEQUENCE, Set.of("USAGE", "SELECT")));
    assertThat(model.generatedPassword()).isTrue();
    assertThat(model.passwordLength()).isEqualTo(32);
    assertThat(model.rotationInterval()).isEqualTo(Duration.ofHours(720));
    assertThat(model.connectionSecretName()).isEqualTo("analyst-connection");
    assertThat(model.reclaimPolicy()).isEqualTo(ReclaimPolicy.RETAIN);
  }

  @Test
  void readWritePresetCoversListedSchemasAndKeepsExplicitGrants() {
    DbUserModel model = DbUserModel.from(DbUserFixtures.load("readwrite-user.yaml"));
    DesiredRole role = model.role();
    Set<String> rw = Set.of("SELECT", "INSERT", "UPDATE", "DELETE");
    Set<String> seq = Set.of("USAGE", "SELECT", "UPDATE");
    assertThat(role.memberOf()).containsExactly("market_readers");
    assertThat(role.attributes().connectionLimit()).isEqualTo(20);
    assertThat(role.schemaPrivileges()).containsExactly(
        new SchemaRule("public", Set.of("USAGE")), new SchemaRule("signals", Set.of("CREATE", "USAGE")));
    assertThat(role.relations()).containsExactly(
        new RelationRule(ObjectKind.TABLE, "public", Set.of(), true, rw),
        new RelationRule(ObjectKind.SEQUENCE, "public", Set.of(), true, seq),
        new RelationRule(ObjectKind.TABLE, "signals", Set.of(), true, rw),
        new RelationRule(ObjectKind.SEQUENCE, "signals", Set.of(), true, seq));
    assertThat(role.defaults()).contains(
        new DefaultRule(null, "signals", ObjectKind.TABLE, rw),
        new DefaultRule(null, "signals", ObjectKind.SEQUENCE, seq),
        new DefaultRule("migrator", "signals", ObjectKind.TABLE, Set.of("TRIGGER")));
    assertThat(role.schemasUsed()).containsExactly("public", "signals");
    assertThat(role.rolesUsed()).containsExactly("market_readers", "migrator");
    assertThat(model.reclaimPolicy()).isEqualTo(ReclaimPolicy.DELETE);
    assertThat(model.reassignOwnedTo()).isEqualTo("migrator");
  }

  @Test
  void appUserGetsExactlyTheNamedTable() {
    DesiredRole role = DbUserModel.from(DbUserFixtures.load("app-user.yaml")).role();
    assertThat(role.relations()).containsExactly(
        new RelationRule(ObjectKind.TABLE, "public", Set.of("news_articles"), false, Set.of("SELECT", "INSERT", "UPDATE")),
        new RelationRule(ObjectKind.SEQUENCE, "public", Set.of("news_articles_id_seq"), false, Set.of("USAGE")));
    assertThat(role.defaults()).isEmpty();
    assertThat(role.schemaPrivileges()).isEmpty();
  }

  @Test
  void whatTheSchemaCannotCheckIsRefusedWithTheField() {
    assertRefused(u -> u.getSpec().setRoleName("é".repeat(32)), "spec.roleName", "at most 63 bytes");
    assertRefused(u -> u.getSpec().setRoleName("pg_monitor2"), "reserved");
    assertRefused(u -> u.getSpec().setRoleName("a\0b"), "NUL");
    assertRefused(u -> u.getSpec().setValidUntil("tomorrow"), "spec.validUntil");
    assertRefused(u -> rotation(u, "30m"), "at least 1h");
    assertRefused(u -> rotation(u, "1 day"), "spec.rotation.interval");
    assertRefused(u -> {
      PasswordSpec p = new PasswordSpec();
      p.setSecretRef(new SecretKeyRef("mine", null));
      u.getSpec().setPassword(p);
      rotation(u, "24h");
    }, "rotation needs a generated password");
    assertRefused(u -> {
      PasswordSpec p = new PasswordSpec();
      GeneratedPassword g = new GeneratedPassword();
      g.setLength(8);
      p.setGenerate(g);
      u.getSpec().setPassword(p);
    }, "16 to 128");
    assertRefused(u -> u.getSpec().setMemberOf(List.of("news_writer")), "itself");
  }

  @Test
  void secretRefDefaultsToThePasswordKey() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    PasswordSpec p = new PasswordSpec();
    p.setSecretRef(new SecretKeyRef("mine", null));
    user.getSpec().setPassword(p);
    DbUserModel model = DbUserModel.from(user);
    assertThat(model.generatedPassword()).isFalse();
    assertThat(model.passwordSecret().getKey()).isEqualTo("password");
  }

  @Test
  void rotationTakesDaysAndCanBeSwitchedOff() {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    rotation(user, "7d");
    assertThat(DbUserModel.from(user).rotationInterval()).isEqualTo(java.time.Duration.ofDays(7));
    user.getSpec().getRotation().setEnabled(false);
    assertThat(DbUserModel.from(user).rotationInterval()).isNull();
  }

  private static void rotation(DbUser user, String interval) {
    RotationSpec r = new RotationSpec();
    r.setInterval(interval);
    user.getSpec().setRotation(r);
  }

  private static void assertRefused(java.util.function.Consumer<DbUser> change, String... messageParts) {
    DbUser user = DbUserFixtures.load("app-user.yaml");
    change.accept(user);
    var thrown = assertThatThrownBy(() -> DbUserModel.from(user)).isInstanceOf(InvalidSpecException.class);
    for (String part : messageParts) {
      thrown.hasMessageContaining(part);
    }
  }
}
