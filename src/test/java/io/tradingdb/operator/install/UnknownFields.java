package io.tradingdb.operator.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields that fabric8 did not recognise while parsing (it keeps them in {@code additionalProperties}): in a rendered
 * template they are typos, such as {@code readinesProbe}, that the API server would drop or refuse.
 */
final class UnknownFields {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private UnknownFields() {}

  static List<String> in(Object object) {
    List<String> found = new ArrayList<>();
    walk(object, "", found);
    return found;
  }

  private static void walk(Object node, String path, List<String> found) {
    if (node instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path + "." + key, found));
      return;
    }
    if (node == null || node instanceof GenericKubernetesResource
        || !node.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (!isPropertyGetter(getter)) {
        continue;
      }
      Object value = invoke(getter, node);
      if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> unknown) {
        if (!unknown.isEmpty()) {
          found.add((path.isEmpty() ? "." : path) + " has unknown fields " + unknown.keySet());
        }
        continue;
      }
      walk(value, path + "." + propertyName(getter), found);
    }
  }

  private static boolean isPropertyGetter(Method method) {
    return method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
        && method.getName().startsWith("get") && !method.getName().equals("getClass");
  }

  private static String propertyName(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }
}
