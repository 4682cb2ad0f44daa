package io.tradingdb.operator.dbuser;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tradingdb.operator.api.v1alpha1.dbuser.DbUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** DbUsers read from the readable YAML under src/test/resources/dbuser. */
final class DbUserFixtures {

  private DbUserFixtures() {}

  static DbUser load(String file) {
    try (InputStream in = DbUserFixtures.class.getResourceAsStream("/dbuser/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource dbuser/" + file);
      }
      DbUser user = Serialization.unmarshal(in, DbUser.class);
      user.getMetadata().setUid(java.util.UUID.randomUUID().toString());
      user.getMetadata().setGeneration(1L);
      return user;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
