package dev.opsledger.gitwatcher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The scope of custom kinds as a revision's own CustomResourceDefinitions declare it ({@code
 * spec.group}, {@code spec.names.kind}, {@code spec.scope}). Git holds no discovery document, but a
 * CRD committed next to its objects says exactly what the API server will say once it is applied.
 * Immutable.
 */
public final class DeclaredScopes {

  /** The group of CustomResourceDefinition. */
  public static final String CRD_GROUP = "apiextensions.k8s.io";

  /** Its kind. */
  public static final String CRD_KIND = "CustomResourceDefinition";

  /** Nothing declared. */
  public static final DeclaredScopes NONE = new DeclaredScopes(Map.of());

  /** Cluster-scoped or not, by {@code group/kind}. */
  private final Map<String, Boolean> clusterScoped;

  private DeclaredScopes(Map<String, Boolean> clusterScoped) {
    this.clusterScoped = Map.copyOf(clusterScoped);
  }

  /**
   * What one manifest declares: the kind and scope of a CustomResourceDefinition, nothing for
   * anything else or for a definition without a group, a kind or a scope of {@code Cluster} or
   * {@code Namespaced} (the API server refuses those; validating them is its job).
   */
  static Optional<Map.Entry<String, Boolean>> declaredBy(String group, String kind, JsonNode node) {
    if (!CRD_GROUP.equals(group) || !CRD_KIND.equals(kind)) {
      return Optional.empty();
    }
    JsonNode spec = node.path("spec");
    String declaredGroup = spec.path("group").asText("");
    String declaredKind = spec.path("names").path("kind").asText("");
    String scope = spec.path("scope").asText("");
    if (declaredGroup.isEmpty()
        || declaredKind.isEmpty()
        || !(scope.equals("Cluster") || scope.equals("Namespaced"))) {
      return Optional.empty();
    }
    return Optional.of(Map.entry(id(declaredGroup, declaredKind), scope.equals("Cluster")));
  }

  /** Scopes from {@code group/kind} ids. */
  static DeclaredScopes of(Map<String, Boolean> clusterScopedById) {
    return clusterScopedById.isEmpty() ? NONE : new DeclaredScopes(clusterScopedById);
  }

  /**
   * The union of several files' declarations. A kind declared with both scopes keeps the first;
   * {@link #conflicts} names it so that the revision can be rejected.
   */
  static DeclaredScopes union(Collection<DeclaredScopes> parts) {
    Map<String, Boolean> all = new HashMap<>();
    for (DeclaredScopes p : parts) {
      p.clusterScoped.forEach(all::putIfAbsent);
    }
    return of(all);
  }

  /** The kinds that {@code parts} declare with different scopes, as {@code group/kind}. */
  static Collection<String> conflicts(Collection<DeclaredScopes> parts) {
    Map<String, Boolean> seen = new HashMap<>();
    Map<String, Boolean> conflicting = new TreeMap<>();
    for (DeclaredScopes p : parts) {
      p.clusterScoped.forEach(
          (id, cluster) -> {
            Boolean before = seen.putIfAbsent(id, cluster);
            if (before != null && !before.equals(cluster)) {
              conflicting.put(id, true);
            }
          });
    }
    return conflicting.keySet();
  }

  /** Whether the kind is declared cluster-scoped, namespaced, or not declared here at all. */
  public Optional<Boolean> clusterScoped(String group, String kind) {
    return Optional.ofNullable(clusterScoped.get(id(group, kind)));
  }

  /** Whether nothing is declared. */
  public boolean isEmpty() {
    return clusterScoped.isEmpty();
  }

  private static String id(String group, String kind) {
    return group + "/" + kind;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeclaredScopes d && d.clusterScoped.equals(clusterScoped);
  }

  @Override
  public int hashCode() {
    return clusterScoped.hashCode();
  }

  @Override
  public String toString() {
    return new TreeMap<>(clusterScoped).toString();
  }
}
