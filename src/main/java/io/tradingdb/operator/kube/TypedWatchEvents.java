package io.tradingdb.operator.kube;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's serialization, with watch events decoded straight into the watched type.
 *
 * <p>fabric8 reads a watch event's {@code object} through its polymorphic deserializer: the whole
 * object into a JSON tree first, then the tree into the class its kind names. With 300 clusters
 * converging that was 16% of the operator's CPU samples, most of it building and walking trees
 * (testenv/bench-operator.sh with JFR, issue 18). Here the event's first tokens give its kind and
 * apiVersion (the API server writes them first); the registered class for them gets the event in
 * one streaming pass, with the same mapper and so the same bean deserializers. Anything else (an
 * unknown kind, a generic resource, an unexpected layout) goes the way fabric8 goes.
 */
public final class TypedWatchEvents extends KubernetesSerialization {

  /** A watch event as the API server sends it, with its object's class known. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Event<T> {
    public String type;
    public T object;
  }

  private final ObjectMapper mapper;
  private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

  public TypedWatchEvents() {
    this(new ObjectMapper());
  }

  private TypedWatchEvents(ObjectMapper mapper) {
    super(mapper, true);
    this.mapper = mapper;
  }

  /** A client builder for {@code config} that decodes watch events this way. */
  public static KubernetesClientBuilder clientBuilder(Config config) {
    return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(new TypedWatchEvents());
  }

  @Override
  public <T> T unmarshal(String str, Class<T> type) {
    if (type == WatchEvent.class) {
      WatchEvent event = typed(str.getBytes(StandardCharsets.UTF_8));
      if (event != null) {
        return type.cast(event);
      }
    }
    return super.unmarshal(str, type);
  }

  /** The event decoded into its object's registered class, or null to leave it to fabric8. */
  WatchEvent typed(byte[] json) {
    Class<?> objectType = objectType(json);
    if (objectType == null) {
      return null;
    }
    try {
      Event<?> event = readers.computeIfAbsent(objectType, this::reader).readValue(json);
      if (event.type == null || !(event.object instanceof KubernetesResource resource)) {
        return null;
      }
      return new WatchEvent(resource, event.type);
    } catch (IOException e) {
      return null;
    }
  }

  private ObjectReader reader(Class<?> objectType) {
    JavaType type = mapper.getTypeFactory().constructParametricType(Event.class, objectType);
    return mapper.readerFor(type);
  }

  /**
   * The class registered for the kind and apiVersion that open the event's object:
   * {@code {"type":…,"object":{"kind":…,"apiVersion":…}}}, in either order of the two. Null for
   * any other layout, for a kind nothing registered, and for generic resources.
   */
  private Class<?> objectType(byte[] json) {
    try (JsonParser parser = mapper.getFactory().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT
          || !"type".equals(parser.nextFieldName()) || parser.nextToken() != JsonToken.VALUE_STRING
          || !"object".equals(parser.nextFieldName()) || parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String kind = null;
      String apiVersion = null;
      for (int i = 0; i < 2; i++) {
        String field = parser.nextFieldName();
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          return null;
        }
        if ("kind".equals(field)) {
          kind = parser.getText();
        } else if ("apiVersion".equals(field)) {
          apiVersion = parser.getText();
        }
      }
      if (kind == null || apiVersion == null) {
        return null;
      }
      Class<?> registered = getRegisteredKubernetesResource(apiVersion, kind);
      return registered == null || registered == GenericKubernetesResource.class ? null : registered;
    } catch (IOException e) {
      return null;
    }
  }
}
