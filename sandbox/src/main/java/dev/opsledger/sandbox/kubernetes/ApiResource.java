package dev.opsledger.sandbox.kubernetes;

import java.util.List;

/**
 * One resource type as the discovery documents describe it ({@code APIResource} of {@code
 * APIResourceList}).
 *
 * @param group API group, empty for the core group
 * @param version API version within the group
 * @param plural resource name in URLs, e.g. {@code deployments}
 * @param singular singular name, e.g. {@code deployment}
 * @param kind object kind, e.g. {@code Deployment}
 * @param namespaced whether objects live in a namespace
 * @param shortNames kubectl short names, e.g. {@code deploy}
 * @param categories kubectl categories, e.g. {@code all}
 */
record ApiResource(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories) {

  /** The verbs every emulated resource answers (the CRUD mock serves them all alike). */
  static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** The verbs of this resource: namespaces, as on the API server, have no deletecollection. */
  List<String> verbs() {
    return group.isEmpty() && plural.equals("namespaces")
        ? VERBS.stream().filter(v -> !v.equals("deletecollection")).toList()
        : VERBS;
  }

  ApiResource {
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
  }

  /** {@code apiVersion} of the objects: {@code v1} for core, {@code group/version} otherwise. */
  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** URL prefix of the group/version: {@code /api/v1} or {@code /apis/group/version}. */
  String groupVersionPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  /** URL of one object, or of the collection when {@code name} is null. */
  String path(String namespace, String name) {
    StringBuilder path = new StringBuilder(groupVersionPath());
    if (namespaced && namespace != null && !namespace.isEmpty()) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(plural);
    if (name != null) {
      path.append('/').append(name);
    }
    return path.toString();
  }
}
