package dev.opsledger.sandbox.kubernetes;

import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read-only endpoints a client asks before it touches an object: {@code /version}, legacy
 * (unaggregated) discovery under {@code /api} and {@code /apis}, a minimal OpenAPI v3 index, and
 * the health checks.
 *
 * <p>The CRUD mock answers {@code /api} and {@code /apis} with empty lists, so kubectl cannot map a
 * kind to a resource; these documents close that gap. kubectl asks for aggregated discovery first
 * and falls back to these documents because they are answered as plain {@code application/json}.
 */
final class DiscoveryEndpoints {

  /** The Kubernetes release the emulator claims to be (kubectl warns on a skew of more than 1). */
  static final String MAJOR = "1";

  static final String MINOR = "32";
  static final String GIT_VERSION = "v1.32.0+opsledger-sandbox";

  private final ApiCatalog catalog;
  private final IntSupplier port;
  private final OpenApiStubs openApi;

  DiscoveryEndpoints(ApiCatalog catalog, IntSupplier port) {
    this.catalog = catalog;
    this.port = port;
    this.openApi = new OpenApiStubs(catalog);
  }

  /**
   * The answer to a GET of {@code path} (without query), or empty when the path is not a discovery
   * path and belongs to the object store.
   */
  Optional<JsonNode> answer(String path) {
    String trimmed =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] segments = trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/");
    if (segments.length == 0) {
      return Optional.of(rootPaths());
    }
    switch (segments[0]) {
      case "version":
        return segments.length == 1 ? Optional.of(version()) : Optional.empty();
      case "api":
        if (segments.length == 1) {
          return Optional.of(apiVersions());
        }
        return segments.length == 2 ? Optional.of(resourceList("", segments[1])) : Optional.empty();
      case "apis":
        if (segments.length == 1) {
          return Optional.of(groupList());
        }
        if (segments.length == 2) {
          return Optional.of(group(segments[1]));
        }
        return segments.length == 3
            ? Optional.of(resourceList(segments[1], segments[2]))
            : Optional.empty();
      case "openapi":
        return openApi.answer(segments);
      default:
        return Optional.empty();
    }
  }

  /** Whether {@code path} is a health check ({@code /healthz}, {@code /livez}, {@code /readyz}). */
  static boolean isHealthCheck(String path) {
    return path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz");
  }

  private JsonNode rootPaths() {
    ObjectNode root = Json.object();
    ArrayNode paths = root.putArray("paths");
    paths.add("/api").add("/api/v1").add("/apis").add("/healthz").add("/livez");
    paths.add("/openapi/v3").add("/readyz").add("/version");
    catalog.groups().forEach((group, versions) -> paths.add("/apis/" + group));
    return root;
  }

  private JsonNode version() {
    ObjectNode version = Json.object();
    version.put("major", MAJOR);
    version.put("minor", MINOR);
    version.put("gitVersion", GIT_VERSION);
    version.put("gitCommit", "0000000000000000000000000000000000000000");
    version.put("gitTreeState", "clean");
    version.put("buildDate", "2026-01-01T00:00:00Z");
    version.put("goVersion", "go1.23");
    version.put("compiler", "gc");
    version.put("platform", "linux/amd64");
    return version;
  }

  private JsonNode apiVersions() {
    ObjectNode versions = Json.object();
    versions.put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    ObjectNode address = versions.putArray("serverAddressByClientCIDRs").addObject();
    address.put("clientCIDR", "0.0.0.0/0");
    address.put("serverAddress", "127.0.0.1:" + port.getAsInt());
    return versions;
  }

  private JsonNode groupList() {
    ObjectNode list = Json.object();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    catalog.groups().forEach((name, versions) -> groups.add(group(name, versions)));
    return list;
  }

  private JsonNode group(String name) {
    List<String> versions = catalog.groups().get(name);
    if (versions == null) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }
    ObjectNode group = group(name, versions);
    group.put("kind", "APIGroup");
    group.put("apiVersion", "v1");
    return group;
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode group = Json.object();
    group.put("name", name);
    ArrayNode array = group.putArray("versions");
    for (String version : versions) {
      array.add(groupVersion(name, version));
    }
    group.set("preferredVersion", groupVersion(name, versions.get(0)));
    return group;
  }

  private static ObjectNode groupVersion(String group, String version) {
    ObjectNode groupVersion = Json.object();
    groupVersion.put("groupVersion", group + "/" + version);
    groupVersion.put("version", version);
    return groupVersion;
  }

  private JsonNode resourceList(String group, String version) {
    List<ApiResource> resources = catalog.resources(group, version);
    if (resources.isEmpty()) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }
    ObjectNode list = Json.object();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", resources.get(0).groupVersion());
    ArrayNode array = list.putArray("resources");
    for (ApiResource resource : resources) {
      ObjectNode entry = array.addObject();
      entry.put("name", resource.plural());
      entry.put("singularName", resource.singular());
      entry.put("namespaced", resource.namespaced());
      entry.put("kind", resource.kind());
      strings(entry.putArray("verbs"), resource.verbs());
      if (!resource.shortNames().isEmpty()) {
        strings(entry.putArray("shortNames"), resource.shortNames());
      }
      if (!resource.categories().isEmpty()) {
        strings(entry.putArray("categories"), resource.categories());
      }
      entry.put("storageVersionHash", "");
    }
    return list;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
