package dev.opsledger.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * Identity of one resource anywhere OpsLedger looks: {@code target/apiGroup/kind/namespace/name}.
 *
 * <p>It is the Kafka record key on every per-resource topic, so all events of one resource stay in
 * order in one partition. In the text form the core Kubernetes API group is written {@value
 * #CORE_GROUP} and a cluster-scoped resource has the namespace {@value #CLUSTER_SCOPE}, so that no
 * segment is ever empty and the text splits unambiguously on {@code /}.
 *
 * @param target the cluster name or AWS {@code account:region} the resource lives in
 * @param apiGroup the API group, empty for the Kubernetes core group
 * @param kind the kind, e.g. {@code Deployment} or {@code S3Bucket}
 * @param namespace the namespace, empty for cluster-scoped resources
 * @param name the name; {@value #ANY_NAME} only in events about a whole kind (e.g. a failed list)
 */
public record ResourceKey(
    String target, String apiGroup, String kind, String namespace, String name) {

  /** How the core API group (the empty string) is written in the text form. */
  public static final String CORE_GROUP = "core";

  /** How "no namespace" (cluster-scoped) is written in the text form. */
  public static final String CLUSTER_SCOPE = "_";

  /** The name that stands for every resource of a kind. */
  public static final String ANY_NAME = "*";

  /** The API group of OpsLedger's AWS resource kinds. */
  public static final String AWS_GROUP = "aws.opsledger.dev";

  private static final int MAX_SEGMENT = 253;

  /** Validates and normalises: {@code null} group/namespace become empty. */
  @JsonCreator
  public ResourceKey {
    apiGroup = apiGroup == null ? "" : apiGroup;
    namespace = namespace == null ? "" : namespace;
    requireSegment("target", target, false);
    requireSegment("apiGroup", apiGroup, true);
    requireSegment("kind", kind, false);
    requireSegment("namespace", namespace, true);
    requireSegment("name", name, false);
    if (CORE_GROUP.equals(apiGroup) || CLUSTER_SCOPE.equals(namespace)) {
      throw new IllegalArgumentException(
          "resource key uses a reserved word as a value: apiGroup '"
              + apiGroup
              + "', namespace '"
              + namespace
              + "' (write the core group and cluster scope as empty strings)");
    }
  }

  /** A namespaced Kubernetes resource. */
  public static ResourceKey of(
      String target, String apiGroup, String kind, String namespace, String name) {
    return new ResourceKey(target, apiGroup, kind, namespace, name);
  }

  /**
   * Parses the text form written by {@link #toString()}.
   *
   * @throws IllegalArgumentException with the offending text when it has not five non-empty
   *     segments or a segment is invalid
   */
  public static ResourceKey parse(String text) {
    Objects.requireNonNull(text, "resource key text");
    String[] parts = text.split("/", -1);
    if (parts.length != 5) {
      throw new IllegalArgumentException(
          "resource key must be target/apiGroup/kind/namespace/name, got '" + text + "'");
    }
    String group = CORE_GROUP.equals(parts[1]) ? "" : parts[1];
    String ns = CLUSTER_SCOPE.equals(parts[3]) ? "" : parts[3];
    if (parts[1].isEmpty() || parts[3].isEmpty()) {
      throw new IllegalArgumentException(
          "resource key has an empty segment (write the core group as '"
              + CORE_GROUP
              + "' and no namespace as '"
              + CLUSTER_SCOPE
              + "'): '"
              + text
              + "'");
    }
    return new ResourceKey(parts[0], group, parts[2], ns, parts[4]);
  }

  /** True when the resource has no namespace. */
  @JsonIgnore
  public boolean clusterScoped() {
    return namespace.isEmpty();
  }

  /** True for the core Kubernetes API group. */
  @JsonIgnore
  public boolean coreGroup() {
    return apiGroup.isEmpty();
  }

  /** True for OpsLedger's AWS kinds. */
  @JsonIgnore
  public boolean aws() {
    return AWS_GROUP.equals(apiGroup);
  }

  /** The same resource on another target. */
  public ResourceKey withTarget(String newTarget) {
    return new ResourceKey(newTarget, apiGroup, kind, namespace, name);
  }

  /** {@code namespace/Kind/name}, or {@code Kind/name} when cluster-scoped: for people. */
  public String shortName() {
    return clusterScoped() ? kind + "/" + name : namespace + "/" + kind + "/" + name;
  }

  /** The text form, also the Kafka record key. */
  @Override
  public String toString() {
    return target
        + "/"
        + (apiGroup.isEmpty() ? CORE_GROUP : apiGroup)
        + "/"
        + kind
        + "/"
        + (namespace.isEmpty() ? CLUSTER_SCOPE : namespace)
        + "/"
        + name;
  }

  private static void requireSegment(String field, String value, boolean mayBeEmpty) {
    if (value == null) {
      throw new IllegalArgumentException("resource key " + field + " is missing");
    }
    if (value.isEmpty() && !mayBeEmpty) {
      throw new IllegalArgumentException("resource key " + field + " is empty");
    }
    if (value.length() > MAX_SEGMENT) {
      throw new IllegalArgumentException(
          "resource key " + field + " is longer than " + MAX_SEGMENT + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "resource key " + field + " '" + value + "' contains '" + c + "' at " + i);
      }
    }
  }
}
