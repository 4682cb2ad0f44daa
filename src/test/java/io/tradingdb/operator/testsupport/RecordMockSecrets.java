package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class on the fabric8 mock API server whose operator generates passwords (for example
 * against the test PostgreSQL): watches every Secret written to the mock, rotations included, and
 * records the protected values for SecretHygieneIT. Declare it after {@code @EnableKubernetesMockClient},
 * which injects the static client this extension reads.
 */
public final class RecordMockSecrets implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final Set<String> values = ConcurrentHashMap.newKeySet();
  private Watch watch;

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    watch = client(context).secrets().inAnyNamespace().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Secret secret) {
        values.addAll(SecretValues.of(secret));
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  /** Also what is there after each test, should the watch have missed an update. */
  @Override
  public void afterEach(ExtensionContext context) throws IllegalAccessException {
    client(context).secrets().inAnyNamespace().list().getItems().forEach(s -> values.addAll(SecretValues.of(s)));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (watch != null) {
      watch.close();
    }
    SecretValues.record(context.getRequiredTestClass().getSimpleName(), values);
  }

  private static KubernetesClient client(ExtensionContext context) throws IllegalAccessException {
    for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && KubernetesClient.class.isAssignableFrom(field.getType())) {
        field.setAccessible(true);
        KubernetesClient client = (KubernetesClient) field.get(null);
        if (client != null) {
          return client;
        }
      }
    }
    throw new IllegalStateException(context.getRequiredTestClass().getSimpleName()
        + " has no static KubernetesClient: declare @EnableKubernetesMockClient before RecordMockSecrets");
  }
}
