package dev.opsledger.sandbox.kubernetes;

import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherHandler;
import io.fabric8.kubernetes.client.server.mock.crud.PostHandler;
import io.fabric8.kubernetes.client.server.mock.crud.PutHandler;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST, PUT, PATCH (four types) and DELETE of objects.
 *
 * <p>Every write ends in fabric8's own POST or PUT handler (or its DELETE): they assign uid,
 * creationTimestamp and generation, bump resourceVersion, keep the status subresource apart, check
 * resourceVersion preconditions, and notify watchers. What this class adds in front: JSON and YAML
 * bodies, server-side apply, merge/strategic/JSON patches computed here (fabric8 merges lists by
 * appending and refuses strategic merge), {@code metadata.managedFields}, and {@code ?dryRun=All}.
 * Callers serialise writes, so the read-modify-write of a patch is atomic.
 */
final class ObjectWrites {

  private final CrudStore store;
  private final Clock clock;
  private final KubernetesCrudDispatcherHandler dryRunPost;
  private final KubernetesCrudDispatcherHandler dryRunPut;

  ObjectWrites(CrudStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    DryRunPersistence dryRun = new DryRunPersistence(store);
    this.dryRunPost = new PostHandler(store.extractor(), dryRun);
    this.dryRunPut = new PutHandler(dryRun);
  }

  /** POST to a collection. */
  MockResponse create(ApiRequest request) {
    ObjectNode object = parseObject(request);
    ObjectNode metadata = metadataOf(object);
    ManagedFields.Entry entry =
        updateEntry(
            request, object, "", scopeToSubresource(request, ManagedFields.fieldsOf(object)));
    metadata.set("managedFields", ManagedFields.record(metadata.get("managedFields"), entry, true));
    requireAbsent(request.path(), metadata);
    return post(request.path(), object, request.dryRun());
  }

  /** 409 AlreadyExists, as the API server answers (the CRUD mock says 409 Invalid). */
  private void requireAbsent(String collection, ObjectNode metadata) {
    String name = metadata.path("name").asString("");
    if (!name.isEmpty() && store.find(collection + "/" + name) != null) {
      String plural = collection.substring(collection.lastIndexOf('/') + 1);
      throw new ApiException(409, "AlreadyExists", plural + " \"" + name + "\" already exists");
    }
  }

  /** PUT of one object (or of its status). */
  MockResponse replace(ApiRequest request) {
    ObjectNode object = parseObject(request);
    JsonNode live = requireLive(request);
    ObjectNode fields = scopeToSubresource(request, ManagedFields.changedFields(live, object));
    JsonNode base = object.path("metadata").path("managedFields");
    if (base.isMissingNode() || base.isEmpty()) {
      base = live.path("metadata").path("managedFields");
    }
    ManagedFields.Entry entry = updateEntry(request, object, subresource(request), fields);
    metadataOf(object).set("managedFields", ManagedFields.record(base, entry, true));
    return update(request, live, object);
  }

  /** PATCH of one object, by content type. */
  MockResponse patch(ApiRequest request) {
    if (request.contentType().equals(MediaTypes.APPLY_PATCH_YAML)) {
      return apply(request);
    }
    JsonNode live = requireLive(request);
    JsonNode patch = parse(request, false);
    JsonNode patched;
    ObjectNode fields;
    switch (request.contentType()) {
      case MediaTypes.MERGE_PATCH -> {
        patched = JsonMerge.mergePatch(live, patch);
        fields = ManagedFields.fieldsOfPatch(patch);
      }
      case MediaTypes.STRATEGIC_MERGE_PATCH -> {
        patched = JsonMerge.strategicMergePatch(live, patch);
        fields = ManagedFields.fieldsOfPatch(patch);
      }
      case MediaTypes.JSON_PATCH -> {
        patched = jsonPatch(live, patch);
        fields = ManagedFields.changedFields(live, patched);
      }
      default ->
          throw new ApiException(
              415, "UnsupportedMediaType", "unsupported patch type " + request.contentType());
    }
    if (!patched.isObject()) {
      throw new ApiException(422, "Invalid", "the patch does not result in an object");
    }
    ObjectNode object = (ObjectNode) patched;
    ManagedFields.Entry entry =
        updateEntry(request, object, subresource(request), scopeToSubresource(request, fields));
    metadataOf(object)
        .set(
            "managedFields",
            ManagedFields.record(object.path("metadata").get("managedFields"), entry, true));
    return update(request, live, object);
  }

  /** Server-side apply: create-or-merge (see {@link ServerSideApply}). */
  private MockResponse apply(ApiRequest request) {
    ObjectNode configuration = parseObject(request);
    requireIdentity(configuration);
    String name =
        lastSegment(request.statusSubresource() ? parentPath(request.path()) : request.path());
    String configuredName = configuration.path("metadata").path("name").asString("");
    if (!configuredName.equals(name)) {
      throw new ApiException(
          400,
          "BadRequest",
          "the name of the object ("
              + configuredName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    JsonNode live = store.find(request.path());
    if (live == null && request.statusSubresource()) {
      throw notFound(request.path());
    }
    ObjectNode object =
        ServerSideApply.apply(
            live,
            configuration,
            request.fieldManager(),
            request.force(),
            !request.statusSubresource() && hasStatusSubresource(request.path()),
            subresource(request),
            now());
    if (live == null) {
      return post(parentPath(request.path()), object, request.dryRun());
    }
    return update(request, live, object);
  }

  /** DELETE of one object, or of a collection (label/field selectors honoured by fabric8). */
  MockResponse delete(ApiRequest request, RecordedRequest recorded) {
    requirePreconditions(request);
    if (request.dryRun()) {
      JsonNode live = requireLive(request);
      return new MockResponse().setResponseCode(200).setBody(live.toString());
    }
    return store.handleDelete(recorded.getPath());
  }

  /**
   * Stores {@code object} in place of {@code live}. A write that changes nothing but the times in
   * managed fields keeps the live managed fields, so nothing changes at all: no resourceVersion
   * bump, no watch event (as with the API server, where a repeated apply is a no-op).
   */
  private MockResponse update(ApiRequest request, JsonNode live, ObjectNode object) {
    JsonNode liveEntries = live.path("metadata").path("managedFields");
    JsonNode newEntries = object.path("metadata").path("managedFields");
    if (withoutTimes(liveEntries).equals(withoutTimes(newEntries))
        && withoutBookkeeping(live).equals(withoutBookkeeping(object))) {
      metadataOf(object).set("managedFields", liveEntries.deepCopy());
    }
    return put(request.path(), object, request.dryRun());
  }

  private static JsonNode withoutTimes(JsonNode entries) {
    JsonNode copy = entries.deepCopy();
    copy.forEach(entry -> ((ObjectNode) entry).remove("time"));
    return copy;
  }

  private static JsonNode withoutBookkeeping(JsonNode object) {
    ObjectNode copy = (ObjectNode) object.deepCopy();
    if (copy.path("metadata").isObject()) {
      ((ObjectNode) copy.get("metadata")).remove(List.of("managedFields", "resourceVersion"));
    }
    return copy;
  }

  private MockResponse post(String path, ObjectNode object, boolean dryRun) {
    String json = object.toString();
    if (dryRun) {
      return handle(dryRunPost, path, json);
    }
    return store.handleCreate(request(HttpMethod.POST, path, json));
  }

  private MockResponse put(String path, ObjectNode object, boolean dryRun) {
    String json = object.toString();
    if (dryRun) {
      return handle(dryRunPut, path, json);
    }
    return store.handleUpdate(request(HttpMethod.PUT, path, json));
  }

  private static MockResponse handle(
      KubernetesCrudDispatcherHandler handler, String path, String json) {
    try {
      return handler.handle(path, MediaTypes.JSON, json);
    } catch (KubernetesCrudDispatcherException e) {
      return new MockResponse().setResponseCode(e.getCode()).setBody(e.toStatusBody());
    }
  }

  private static RecordedRequest request(HttpMethod method, String path, String json) {
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        Headers.builder().add("Content-Type", MediaTypes.JSON).build(),
        new Buffer(json.getBytes(StandardCharsets.UTF_8)));
  }

  private ManagedFields.Entry updateEntry(
      ApiRequest request, JsonNode object, String subresource, ObjectNode fields) {
    return new ManagedFields.Entry(
        request.fieldManager(),
        "Update",
        object.path("apiVersion").asString(""),
        now(),
        subresource,
        fields);
  }

  private ObjectNode scopeToSubresource(ApiRequest request, ObjectNode fields) {
    if (request.statusSubresource()) {
      return fields.retain("f:status");
    }
    if (hasStatusSubresource(request.path())) {
      fields.remove("f:status");
    }
    return fields;
  }

  /**
   * Built-in kinds all have a status subresource as far as the emulator is concerned (those without
   * one have no status); custom resources have one when their CRD version declares it.
   */
  private boolean hasStatusSubresource(String path) {
    boolean custom = !path.startsWith("/api/") && !isBuiltInGroup(path);
    return !custom || store.isStatusSubresourceEnabledForResource(path);
  }

  private static boolean isBuiltInGroup(String path) {
    String[] segments = path.split("/");
    return segments.length > 2
        && ApiCatalog.BUILT_IN.stream().anyMatch(r -> r.group().equals(segments[2]));
  }

  private static String subresource(ApiRequest request) {
    return request.statusSubresource() ? "status" : "";
  }

  /**
   * The {@code preconditions} of a delete's DeleteOptions body: a uid or resourceVersion that is
   * not the live object's is a 409 Conflict and deletes nothing, as on the API server.
   */
  private void requirePreconditions(ApiRequest request) {
    if (!request.hasBody()) {
      return;
    }
    JsonNode preconditions = parse(request, true).path("preconditions");
    for (String field : List.of("uid", "resourceVersion")) {
      String expected = preconditions.path(field).asString("");
      if (expected.isEmpty()) {
        continue;
      }
      String actual = requireLive(request).path("metadata").path(field).asString("");
      if (!expected.equals(actual)) {
        String name = field.equals("uid") ? "UID" : "ResourceVersion";
        throw new ApiException(
            409,
            "Conflict",
            "Precondition failed: "
                + name
                + " in precondition: "
                + expected
                + ", "
                + name
                + " in object meta: "
                + actual);
      }
    }
  }

  private JsonNode requireLive(ApiRequest request) {
    JsonNode live = store.find(request.path());
    if (live == null) {
      throw notFound(request.path());
    }
    return live;
  }

  static ApiException notFound(String path) {
    String[] segments = path.split("/");
    boolean status = path.endsWith("/status");
    int nameIndex = segments.length - (status ? 2 : 1);
    String name = nameIndex > 0 ? segments[nameIndex] : "";
    String plural = nameIndex > 1 ? segments[nameIndex - 1] : "";
    String group = segments.length > 2 && segments[1].equals("apis") ? "." + segments[2] : "";
    return new ApiException(404, "NotFound", plural + group + " \"" + name + "\" not found");
  }

  private static void requireIdentity(JsonNode object) {
    for (String field : new String[] {"apiVersion", "kind"}) {
      if (object.path(field).asString("").isEmpty()) {
        throw new ApiException(
            400, "BadRequest", field + " must be set in the applied configuration");
      }
    }
  }

  private static JsonNode jsonPatch(JsonNode live, JsonNode patch) {
    try {
      return JsonPatch.apply(patch, live);
    } catch (RuntimeException e) {
      throw new ApiException(422, "Invalid", "the JSON patch cannot be applied: " + e.getMessage());
    }
  }

  private static ObjectNode parseObject(ApiRequest request) {
    JsonNode node = parse(request, true);
    if (!node.isObject()) {
      throw new ApiException(400, "BadRequest", "the request body is not an object");
    }
    return (ObjectNode) node;
  }

  private static JsonNode parse(ApiRequest request, boolean object) {
    if (!request.hasBody()) {
      throw new ApiException(400, "BadRequest", "the request body is empty");
    }
    try {
      JsonNode node =
          MediaTypes.isYaml(request.contentType())
              ? Json.readYaml(request.bodyUtf8())
              : Json.read(request.bodyUtf8());
      if (node == null || node.isMissingNode()) {
        throw new ApiException(400, "BadRequest", "the request body is empty");
      }
      return node;
    } catch (JacksonException e) {
      throw new ApiException(
          400,
          "BadRequest",
          "the request body cannot be read"
              + (object ? " as an object" : "")
              + ": "
              + e.getOriginalMessage());
    }
  }

  private static ObjectNode metadataOf(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    return metadata != null && metadata.isObject()
        ? (ObjectNode) metadata
        : object.putObject("metadata");
  }

  private static String parentPath(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
