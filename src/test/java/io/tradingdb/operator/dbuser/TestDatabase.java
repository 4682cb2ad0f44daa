package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.common.ExternalDatabase;
import io.tradingdb.operator.api.v1alpha1.common.LocalObjectRef;
import io.tradingdb.operator.api.v1alpha1.common.SslMode;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.postgres.SqlQuote;
import io.tradingdb.operator.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * One test class's own database on the shared test PostgreSQL, the admin Secret pointing at it,
 * and the cluster-wide roles the class creates (all carry a per-run tag and are dropped after).
 */
final class TestDatabase implements AutoCloseable {

  static final String NAMESPACE = "trading";
  static final String ADMIN_SECRET = "pg-admin";

  final String name;
  final String tag = "t" + UUID.randomUUID().toString().substring(0, 6);
  private final Set<String> roles = new ConcurrentSkipListSet<>();

  private TestDatabase(String name) {
    this.name = name;
  }

  static TestDatabase create(String prefix, KubernetesClient client) throws SQLException {
    TestDatabase db = new TestDatabase(TestPostgres.createDatabase(prefix));
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(ADMIN_SECRET).withNamespace(NAMESPACE).endMetadata()
        .withStringData(Map.of("username", TestPostgres.adminUser(), "password", TestPostgres.adminPassword()))
        .build()).createOr(op -> op.update());
    return db;
  }

  /** A role name unique to this run; remembered so {@link #close} drops it. */
  String role(String base) {
    String name = base + "_" + tag;
    roles.add(name);
    return name;
  }

  /** Remembers a role name the test built itself. */
  String track(String role) {
    roles.add(role);
    return role;
  }

  DatabaseTarget target(int port) {
    ExternalDatabase external = new ExternalDatabase();
    external.setHost(TestPostgres.host());
    external.setPort(port);
    external.setDatabase(name);
    external.setSslMode(SslMode.DISABLE);
    external.setCredentialsSecretRef(new LocalObjectRef(ADMIN_SECRET));
    return DatabaseTarget.external(external);
  }

  /** A fixture DbUser aimed at this database with a unique role name and object name. */
  DbUser user(String fixture, String objectName) {
    DbUser user = DbUserFixtures.load(fixture);
    user.getMetadata().setName(objectName);
    user.getMetadata().setNamespace(NAMESPACE);
    user.getSpec().setTarget(target(TestPostgres.port()));
    user.getSpec().setRoleName(role(objectName.replace('-', '_').toLowerCase(Locale.ROOT)));
    return user;
  }

  Connection admin() throws SQLException {
    return TestPostgres.connectAsAdmin(name);
  }

  void exec(String... sql) throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  boolean roleExists(String role) throws SQLException {
    try (Connection c = admin(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void close() throws SQLException {
    TestPostgres.dropDatabase(name);
    try (Connection c = TestPostgres.connectAsAdmin("postgres"); Statement s = c.createStatement()) {
      for (String role : roles) {
        s.execute("DROP ROLE IF EXISTS " + SqlQuote.identifier(role));
      }
    }
  }
}
