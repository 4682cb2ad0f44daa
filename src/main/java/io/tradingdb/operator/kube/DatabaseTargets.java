package io.tradingdb.operator.kube;

import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import io.tradingdb.operator.api.v1alpha1.common.ExternalDatabase;
import io.tradingdb.operator.api.v1alpha1.common.SslMode;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TradingDatabase;
import io.tradingdb.operator.postgres.ConnectionTarget;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import io.tradingdb.operator.tradingdatabase.model.ClusterNames;

/** Resolves a DatabaseTarget (shared by DbUser and BackupSchedule) into where to connect. */
public final class DatabaseTargets {

  private DatabaseTargets() {}

  /** The name of the TradingDatabase the target points at, or null for an external target. */
  public static String tradingDatabaseName(DatabaseTarget target) {
    return target.getTradingDatabase() == null ? null : target.getTradingDatabase().getName();
  }

  /**
   * @param target the spec's target
   * @param tradingDatabase the TradingDatabase named by the target, or null if it does not exist
   *     (or the target is external)
   * @throws TargetUnavailableException when the target cannot be resolved yet
   */
  public static ConnectionTarget resolve(DatabaseTarget target, TradingDatabase tradingDatabase) {
    if (target == null || (target.getTradingDatabase() == null) == (target.getExternal() == null)) {
      throw new IllegalArgumentException(
          "exactly one of target.tradingDatabase or target.external must be set");
    }
    if (target.getExternal() != null) {
      return external(target.getExternal());
    }
    if (tradingDatabase == null) {
      throw new TargetUnavailableException(
          "TradingDatabase '" + target.getTradingDatabase().getName() + "' does not exist");
    }
    ClusterModel model = ClusterModel.from(tradingDatabase);
    ClusterNames names = model.names();
    // With TLS the certificate Secret carries the CA, so every client can verify the server name.
    return new ConnectionTarget(
        names.serviceHost(names.readWriteService()),
        ClusterNames.POSTGRES_PORT,
        model.databaseName(),
        model.tlsEnabled() ? SslMode.VERIFY_FULL.libpqName() : SslMode.PREFER.libpqName(),
        model.superuserSecret(),
        "username",
        "password",
        model.tlsEnabled() ? model.tlsSecret() : null,
        model.tlsEnabled() ? "ca.crt" : null,
        model.pooler().enabled() ? names.serviceHost(names.poolerService()) : null,
        model.pooler().enabled() ? ClusterNames.POOLER_PORT : 0);
  }

  private static ConnectionTarget external(ExternalDatabase ext) {
    String caKey =
        ext.getCaSecretRef() == null
            ? null
            : ext.getCaSecretRef().getKey() == null ? "ca.crt" : ext.getCaSecretRef().getKey();
    SslMode mode =
        ext.getSslMode() != null
            ? ext.getSslMode()
            : ext.getCaSecretRef() != null ? SslMode.VERIFY_FULL : SslMode.REQUIRE;
    return new ConnectionTarget(
        ext.getHost(),
        ext.getPort() == null ? 5432 : ext.getPort(),
        ext.getDatabase(),
        mode.libpqName(),
        ext.getCredentialsSecretRef().getName(),
        "username",
        "password",
        ext.getCaSecretRef() == null ? null : ext.getCaSecretRef().getName(),
        caKey,
        null,
        0);
  }

  /** The target exists in the spec but not (yet) in the cluster; retried, not fatal. */
  public static class TargetUnavailableException extends RuntimeException {
    public TargetUnavailableException(String message) {
      super(message);
    }
  }
}
