package dev.opsledger.sandbox.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Direct access to the emulator's objects, without HTTP: works while the emulator is stopped, so a
 * test can change the cluster during an "API server outage" (e.g. delete an object) and check that
 * clients notice after the restart.
 *
 * <p>Changes go through the same code path as HTTP requests (resourceVersion bump, watch events,
 * managed fields under the manager {@value #FIELD_MANAGER}, persistence).
 */
public final class EmulatorStore {

  /** The field manager recorded for changes made through this class. */
  public static final String FIELD_MANAGER = "opsledger-sandbox";

  private final CrudStore store;
  private final EmulatorDispatcher dispatcher;
  private final ApiCatalog catalog;

  EmulatorStore(CrudStore store, EmulatorDispatcher dispatcher) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.catalog = new ApiCatalog(store::customResourceDefinitions);
  }

  /** Every stored object. */
  public List<GenericKubernetesResource> list() {
    return store.objects().stream().map(EmulatorStore::toResource).toList();
  }

  /**
   * One object.
   *
   * @param apiVersion e.g. {@code apps/v1}
   * @param kind e.g. {@code Deployment}
   * @param namespace the namespace, ignored for cluster-scoped kinds
   * @param name the name
   */
  public Optional<GenericKubernetesResource> get(
      String apiVersion, String kind, String namespace, String name) {
    JsonNode object = store.find(resource(apiVersion, kind).path(namespace, name));
    return Optional.ofNullable(object).map(EmulatorStore::toResource);
  }

  /**
   * Deletes one object (as {@code DELETE} would: an object with finalizers is only marked).
   *
   * @return whether the object existed
   */
  public boolean delete(String apiVersion, String kind, String namespace, String name) {
    String path = resource(apiVersion, kind).path(namespace, name);
    MockResponse response = send(HttpMethod.DELETE, path, null);
    if (response.code() == 404) {
      return false;
    }
    requireSuccess(response, "delete " + path);
    return true;
  }

  /**
   * Creates the object, or replaces the stored one whatever its resourceVersion.
   *
   * @return the stored object
   */
  public GenericKubernetesResource put(HasMetadata object) {
    ObjectNode json = (ObjectNode) Json.read(Serialization.asJson(object));
    ApiResource resource = resource(object.getApiVersion(), object.getKind());
    String namespace = object.getMetadata().getNamespace();
    String itemPath = resource.path(namespace, object.getMetadata().getName());
    MockResponse response;
    if (store.find(itemPath) == null) {
      response = send(HttpMethod.POST, resource.path(namespace, null), json);
    } else {
      ((ObjectNode) json.path("metadata")).remove("resourceVersion");
      response = send(HttpMethod.PUT, itemPath, json);
    }
    requireSuccess(response, "put " + itemPath);
    return Serialization.unmarshal(response.getBody().readUtf8(), GenericKubernetesResource.class);
  }

  private ApiResource resource(String apiVersion, String kind) {
    return catalog
        .forKind(apiVersion, kind)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the emulator does not know " + kind + " in " + apiVersion));
  }

  private MockResponse send(HttpMethod method, String path, JsonNode body) {
    byte[] bytes = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
    Headers.Builder headers = Headers.builder().add("User-Agent", FIELD_MANAGER + "/in-process");
    if (body != null) {
      headers.add("Content-Type", MediaTypes.JSON);
    }
    return dispatcher.dispatch(
        new RecordedRequest("HTTP/1.1", method, path, headers.build(), new Buffer(bytes)));
  }

  private static void requireSuccess(MockResponse response, String what) {
    if (response.code() >= 300) {
      String body = response.getBody() == null ? "" : response.getBody().readUtf8();
      throw new IllegalStateException(what + " failed with " + response.code() + ": " + body);
    }
  }

  private static GenericKubernetesResource toResource(JsonNode json) {
    return Serialization.unmarshal(json.toString(), GenericKubernetesResource.class);
  }
}
