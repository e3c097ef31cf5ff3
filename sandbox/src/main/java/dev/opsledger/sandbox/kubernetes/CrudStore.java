package dev.opsledger.sandbox.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.utils.Utils;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * fabric8's CRUD dispatcher (the object store, watch fan-out, resourceVersion counter and CRD
 * registry) opened up for the emulator: read access by path, snapshots and restore.
 *
 * <p>Writes go through the inherited handlers only, so every change bumps the resourceVersion and
 * reaches the watchers exactly as the plain mock would do it.
 *
 * <p>Objects are also indexed by name: fabric8 finds the object of an item request (get, patch,
 * put, delete, and the read before every server-side apply) by matching the request's attributes
 * against every stored object, which made each request linear in the store (about 10 % of {@code
 * up}'s CPU samples at 1,000 objects, issue 17). The index is kept in step with the store at its
 * one write path ({@link #processEvent}), at {@link #restore} and at {@link #reset}; a lookup
 * matches the same attributes, among the objects of that name only.
 */
final class CrudStore extends KubernetesCrudDispatcher {

  private static final String CRD_PLURAL = "customresourcedefinitions";
  private static final String CRD_GROUP = "apiextensions.k8s.io";

  /** One stored object with the path it is stored under. */
  record StoredObject(String path, String json) {}

  /** The stored keys by object name: an item lookup matches these instead of every object. */
  private final Map<String, List<AttributeSet>> byName = new ConcurrentHashMap<>();

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    String name = singleName(attributes);
    if (name == null) {
      return super.findResource(attributes);
    }
    return indexed(name, attributes);
  }

  /**
   * A get of one object (not a list, not a watch) answered from the index, as fabric8 answers it:
   * the stored object and 200, or 404 without a body.
   */
  @Override
  public MockResponse handleGet(String path) {
    AttributeSet query = extractor().fromPath(path);
    String name = singleName(query);
    if (name == null || path.contains("watch=")) {
      return super.handleGet(path);
    }
    Map.Entry<AttributeSet, String> found = indexed(name, query);
    return found == null
        ? new MockResponse().setResponseCode(404)
        : new MockResponse().setBody(found.getValue()).setResponseCode(200);
  }

  /** The name an item request asks for, or null when it asks for anything else. */
  private static String singleName(AttributeSet attributes) {
    Attribute name = attributes.getAttribute(KubernetesAttributesExtractor.NAME);
    return name == null || name.getType() != AttributeType.WITH || name.getValues().size() != 1
        ? null
        : name.getValues().get(0).toString();
  }

  private Map.Entry<AttributeSet, String> indexed(String name, AttributeSet attributes) {
    for (AttributeSet key : byName.getOrDefault(name, List.of())) {
      if (key.matches(attributes)) {
        String json = map.get(key);
        if (json != null) {
          return new AbstractMap.SimpleImmutableEntry<>(key, json);
        }
      }
    }
    return null;
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      unindex(oldAttributes);
    }
    if (newState != null) {
      index(storedKey(pathAttributes, resource, newState));
    }
  }

  @Override
  public void reset() {
    super.reset();
    byName.clear();
  }

  /** The key fabric8's {@code processEvent} stores a new state under (same steps, same order). */
  private AttributeSet storedKey(
      AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
    AttributeSet key =
        resource != null ? extractor().extract(resource) : extractor().fromResource(newState);
    return key.containsKey(KubernetesAttributesExtractor.PLURAL)
        ? key
        : AttributeSet.merge(pathAttributes, key);
  }

  private void index(AttributeSet key) {
    String name = value(key, KubernetesAttributesExtractor.NAME);
    if (name != null) {
      List<AttributeSet> keys = byName.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
      if (!keys.contains(key)) {
        keys.add(key);
      }
    }
  }

  private void unindex(AttributeSet key) {
    String name = value(key, KubernetesAttributesExtractor.NAME);
    if (name != null) {
      byName.computeIfPresent(
          name,
          (n, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
          });
    }
  }

  KubernetesAttributesExtractor extractor() {
    return (KubernetesAttributesExtractor) attributeExtractor;
  }

  /** The object stored at an item path (query ignored), or null. */
  JsonNode find(String itemPath) {
    AttributeSet key = getKey(itemPath);
    if (!key.containsKey(KubernetesAttributesExtractor.NAME)) {
      return null;
    }
    String json;
    synchronized (map) {
      Map.Entry<AttributeSet, String> entry = findResource(key);
      json = entry == null ? null : entry.getValue();
    }
    return json == null ? null : parse(json);
  }

  /** All stored objects. */
  List<JsonNode> objects() {
    List<String> values;
    synchronized (map) {
      values = new ArrayList<>(map.values());
    }
    return values.stream().map(CrudStore::parse).toList();
  }

  /** The stored {@code CustomResourceDefinition} objects. */
  List<JsonNode> customResourceDefinitions() {
    AttributeSet crds =
        new AttributeSet(
            new Attribute(KubernetesAttributesExtractor.PLURAL, CRD_PLURAL),
            new Attribute(KubernetesAttributesExtractor.API, CRD_GROUP));
    List<String> values = new ArrayList<>();
    synchronized (map) {
      map.forEach(
          (key, value) -> {
            if (key.matches(crds)) {
              values.add(value);
            }
          });
    }
    return values.stream().map(CrudStore::parse).toList();
  }

  /** A consistent copy of the store, each object with the item path it is stored under. */
  List<StoredObject> snapshot() {
    List<StoredObject> objects = new ArrayList<>();
    synchronized (map) {
      map.forEach((key, json) -> objects.add(new StoredObject(itemPath(key), json)));
    }
    return objects;
  }

  /**
   * Puts objects back into the store as they were (no new uid, resourceVersion or watch event),
   * registers restored CRDs, and moves the resourceVersion counter past {@code resourceVersion}.
   * Meant for an empty store before any client connects.
   */
  void restore(List<StoredObject> objects, long resourceVersion) {
    List<StoredObject> crdsFirst = new ArrayList<>();
    objects.stream().filter(o -> isCrdPath(o.path())).forEach(crdsFirst::add);
    objects.stream().filter(o -> !isCrdPath(o.path())).forEach(crdsFirst::add);
    synchronized (map) {
      for (StoredObject object : crdsFirst) {
        if (isCrdPath(object.path())) {
          expectCustomResource(
              CustomResourceDefinitionContext.fromCrd(
                  Serialization.unmarshal(object.json(), CustomResourceDefinition.class)));
        }
        AttributeSet key =
            AttributeSet.merge(
                extractor().fromPath(object.path()), extractor().fromResource(object.json()));
        map.put(key, object.json());
        index(key);
      }
    }
    // The counter is private to fabric8's dispatcher: advancing it is the only way to seed it.
    long next;
    do {
      next = requestResourceVersion();
    } while (next < resourceVersion);
    skipRestoredUids(crdsFirst);
  }

  /**
   * fabric8 numbers uids from a per-JVM counter (00000000-0000-0000-0000-000000000001, ...): move
   * it past the restored uids so that an object created after a restart gets a uid of its own.
   */
  private static void skipRestoredUids(List<StoredObject> objects) {
    long highest = 0;
    for (StoredObject object : objects) {
      try {
        UUID uid = UUID.fromString(parse(object.json()).path("metadata").path("uid").asString(""));
        if (uid.getMostSignificantBits() == 0) {
          highest = Math.max(highest, uid.getLeastSignificantBits());
        }
      } catch (IllegalArgumentException e) {
        // not a fabric8-numbered uid: it cannot collide
      }
    }
    long next;
    do {
      next = Utils.generateId().getLeastSignificantBits();
    } while (next < highest);
  }

  /** The highest resourceVersion handed out so far (0 when none). */
  long currentResourceVersion() {
    long max = 0;
    for (JsonNode object : objects()) {
      String rv = object.path("metadata").path("resourceVersion").asString("");
      if (rv.chars().allMatch(Character::isDigit) && !rv.isEmpty()) {
        max = Math.max(max, Long.parseLong(rv));
      }
    }
    return max;
  }

  private static boolean isCrdPath(String path) {
    return path.startsWith("/apis/" + CRD_GROUP + "/");
  }

  private static String itemPath(AttributeSet key) {
    String api = value(key, KubernetesAttributesExtractor.API);
    String version = value(key, KubernetesAttributesExtractor.VERSION);
    String namespace = value(key, KubernetesAttributesExtractor.NAMESPACE);
    StringBuilder path = new StringBuilder(api == null ? "/api/" : "/apis/" + api + "/");
    path.append(version);
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(value(key, KubernetesAttributesExtractor.PLURAL));
    path.append('/').append(value(key, KubernetesAttributesExtractor.NAME));
    return path.toString();
  }

  private static String value(AttributeSet key, String name) {
    Attribute attribute = key.getAttribute(name);
    return attribute == null || attribute.getValues().isEmpty()
        ? null
        : attribute.getValues().get(0).toString();
  }

  static JsonNode parse(String json) {
    return Json.read(json);
  }
}
