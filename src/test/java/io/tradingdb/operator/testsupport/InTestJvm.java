package io.tradingdb.operator.testsupport;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator running inside the test JVM does differently from the packaged one. When an
 * informer that had synced stops with an error, the SDK's default is {@code System.exit(1)}: right
 * for a pod, which is restarted and lists again, but inside the test JVM it ends every test that
 * was still to run, and the reports say only that the fork "terminated without saying goodbye".
 * Here the stop is logged with its cause and remembered, and {@link #stop(Operator)} fails the test
 * that owns the operator with that cause.
 */
public final class InTestJvm {

  private static final Logger LOG = LoggerFactory.getLogger(InTestJvm.class);
  private static final List<String> STOPPED = new CopyOnWriteArrayList<>();

  private InTestJvm() {}

  /** The overrides for an operator started in this JVM. */
  public static void configure(ConfigurationServiceOverrider o) {
    o.withInformerStoppedHandler((informer, error) -> {
      if (error != null && informer.hasSynced()) {
        String what = informer.getApiTypeClass().getSimpleName() + " informer stopped: " + error;
        LOG.error("{} (the packaged operator would exit here, to be restarted)", what, error);
        STOPPED.add(what);
      }
    });
  }

  /**
   * Stops an operator {@link #configure configured} here, then fails when an informer of an operator
   * in this JVM stopped since the last stop, naming why.
   */
  public static void stop(Operator operator) {
    operator.stop();
    if (!STOPPED.isEmpty()) {
      List<String> stopped = List.copyOf(STOPPED);
      STOPPED.clear();
      throw new AssertionError("an informer of the operator in this JVM stopped for good: " + stopped);
    }
  }
}
