package io.tradingdb.operator.dbuser;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import io.tradingdb.operator.postgres.PostgresConnections;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The SDK reads the reconciler's configuration as the lead will register it. */
class DbUserControllerConfigurationTest {

  @Test
  void theSdkSeesADbUserControllerWithAFinalizer() {
    try (PostgresConnections connections = new PostgresConnections()) {
      ControllerConfiguration<DbUser> config = new BaseConfigurationService()
          .getConfigurationFor(new DbUserReconciler(null, connections, Clock.systemUTC()));
      assertThat(config.getName()).isEqualTo("dbuser");
      assertThat(config.getResourceClass()).isEqualTo(DbUser.class);
      assertThat(config.getFinalizerName()).isEqualTo("dbusers.tradingdb.io/finalizer");
    }
  }
}
