package dev.opsledger.sandbox.kubernetes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal OpenAPI v3 description: per group/version, one PATCH operation per resource with its
 * {@code x-kubernetes-group-version-kind} and query parameters, and no schemas.
 *
 * <p>Why: {@code kubectl apply} and {@code kubectl create} validate manifests. They look in {@code
 * /openapi/v3} for a PATCH operation of the object's kind that accepts {@code fieldValidation};
 * when they find one they leave validation to the server, otherwise they want the full schemas to
 * validate client-side and fail without them. This stub makes kubectl take the first path; the
 * emulator itself does not validate (see {@link KubernetesEmulator}). Because it declares no
 * request body types, kubectl's client-side apply falls back to its compiled-in patch metadata.
 */
final class OpenApiStubs {

  private final ApiCatalog catalog;

  OpenApiStubs(ApiCatalog catalog) {
    this.catalog = catalog;
  }

  /** Answers {@code /openapi/v3} and {@code /openapi/v3/api[s]/...}; 404 for anything else. */
  Optional<JsonNode> answer(String[] segments) {
    if (segments.length < 2 || !segments[1].equals("v3")) {
      throw notFound();
    }
    if (segments.length == 2) {
      return Optional.of(index());
    }
    if (segments.length == 4 && segments[2].equals("api")) {
      return Optional.of(document(catalog.resources("", segments[3])));
    }
    if (segments.length == 5 && segments[2].equals("apis")) {
      return Optional.of(document(catalog.resources(segments[3], segments[4])));
    }
    throw notFound();
  }

  private JsonNode index() {
    Map<String, List<ApiResource>> byGroupVersion = new LinkedHashMap<>();
    for (ApiResource resource : catalog.resources()) {
      byGroupVersion
          .computeIfAbsent(
              resource.groupVersionPath().substring(1), k -> new java.util.ArrayList<>())
          .add(resource);
    }
    ObjectNode root = Json.object();
    ObjectNode paths = root.putObject("paths");
    byGroupVersion.forEach(
        (path, resources) ->
            paths
                .putObject(path)
                .put(
                    "serverRelativeURL",
                    "/openapi/v3/"
                        + path
                        + "?hash="
                        + Integer.toHexString(resources.hashCode()).toUpperCase()));
    return root;
  }

  private static JsonNode document(List<ApiResource> resources) {
    if (resources.isEmpty()) {
      throw notFound();
    }
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info")
        .put("title", "Kubernetes (OpsLedger sandbox)")
        .put("version", DiscoveryEndpoints.GIT_VERSION);
    ObjectNode paths = doc.putObject("paths");
    for (ApiResource resource : resources) {
      ObjectNode patch = paths.putObject(resource.path("{namespace}", "{name}")).putObject("patch");
      patch.put("operationId", "patch" + resource.kind());
      patch.put("x-kubernetes-action", "patch");
      patch
          .putObject("x-kubernetes-group-version-kind")
          .put("group", resource.group())
          .put("version", resource.version())
          .put("kind", resource.kind());
      ArrayNode parameters = patch.putArray("parameters");
      query(parameters, "dryRun", "string");
      query(parameters, "fieldManager", "string");
      query(parameters, "fieldValidation", "string");
      query(parameters, "force", "boolean");
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    doc.putObject("components").putObject("schemas");
    return doc;
  }

  private static void query(ArrayNode parameters, String name, String type) {
    ObjectNode parameter = parameters.addObject();
    parameter.put("name", name);
    parameter.put("in", "query");
    parameter.putObject("schema").put("type", type);
  }

  private static ApiException notFound() {
    return new ApiException(404, "NotFound", "the server could not find the requested resource");
  }
}
