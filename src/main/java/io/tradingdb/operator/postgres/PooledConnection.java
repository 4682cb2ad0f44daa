package io.tradingdb.operator.postgres;

import java.sql.Connection;

/** A borrowed connection: close it to give it back (a broken one is thrown away). */
public final class PooledConnection implements AutoCloseable {

  private final Connection connection;
  private final Runnable giveBack;
  private boolean returned;

  PooledConnection(Connection connection, Runnable giveBack) {
    this.connection = connection;
    this.giveBack = giveBack;
  }

  public Connection jdbc() {
    return connection;
  }

  @Override
  public void close() {
    if (!returned) {
      returned = true;
      giveBack.run();
    }
  }
}
