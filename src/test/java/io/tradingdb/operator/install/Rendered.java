package io.tradingdb.operator.install;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/** The objects of one {@code helm template} run, looked up by kind, name and namespace. */
record Rendered(List<HasMetadata> objects) {

  static Rendered of(String valuesYaml) {
    return new Rendered(HelmChart.parse(HelmChart.template(valuesYaml)));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    return all(type).stream()
        .filter(object -> name.equals(object.getMetadata().getName()))
        .filter(object -> namespace == null || namespace.equals(object.getMetadata().getNamespace()))
        .findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return find(type, namespace, name).orElseThrow(() -> new AssertionError(
        "no " + type.getSimpleName() + " " + namespace + "/" + name + " rendered; got " + describe()));
  }

  List<String> describe() {
    return objects.stream()
        .map(object -> object.getKind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName())
        .toList();
  }
}
