package dev.opsledger.differ.tree;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which object a manifest or a live object names: {@code apiVersion}, {@code kind}, {@code
 * metadata.namespace} and {@code metadata.name}.
 *
 * @param group the API group, empty for the Kubernetes core group
 * @param version the API version within the group, e.g. {@code v1}
 * @param kind the kind
 * @param namespace the namespace, empty when the document sets none
 * @param name the name
 */
public record ManifestRef(
    String group, String version, String kind, String namespace, String name) {

  /**
   * Reads the identity of a document.
   *
   * @param side {@code "desired manifest"} or {@code "live object"}, for the message
   * @throws NotComparableException when the document is not an object or lacks apiVersion, kind or
   *     metadata.name
   */
  public static ManifestRef of(JsonNode document, String side) throws NotComparableException {
    if (document == null || !document.isObject()) {
      throw new NotComparableException("the " + side + " is not a JSON object");
    }
    String apiVersion = text(document.get("apiVersion"));
    String kind = text(document.get("kind"));
    JsonNode metadata = document.get("metadata");
    String name = metadata == null ? null : text(metadata.get("name"));
    if (apiVersion == null) {
      throw new NotComparableException("the " + side + " has no apiVersion");
    }
    if (kind == null) {
      throw new NotComparableException("the " + side + " has no kind");
    }
    if (name == null) {
      throw new NotComparableException(
          "the "
              + side
              + " has no metadata.name (an object named by generateName cannot be paired with a"
              + " live object)");
    }
    String namespace = metadata.has("namespace") ? text(metadata.get("namespace")) : null;
    int slash = apiVersion.lastIndexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return new ManifestRef(group, version, kind, namespace == null ? "" : namespace, name);
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }

  /** {@code group/version}, or {@code version} for the core group: the apiVersion as written. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /**
   * {@code Kind.group}, or {@code Kind} for the core group: the kind's identity across versions.
   */
  public String groupKind() {
    return group.isEmpty() ? kind : kind + "." + group;
  }

  /** {@code apiVersion Kind namespace/name}, for people. */
  public String describe() {
    return apiVersion() + " " + kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
