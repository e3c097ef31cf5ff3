package dev.opsledger.sandbox.kubernetes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The resource types the emulator knows: a fixed table of common built-in kinds plus one entry per
 * served version of every stored {@code CustomResourceDefinition}.
 *
 * <p>The CRUD mock stores any path it is given; this catalogue is what discovery documents (and
 * thus kubectl's kind-to-resource mapping) are built from.
 */
final class ApiCatalog {

  private static final List<String> ALL = List.of("all");
  private static final List<String> NONE = List.of();

  /** Built-in kinds served by discovery. The core group is the empty string. */
  static final List<ApiResource> BUILT_IN =
      List.of(
          core("namespaces", "Namespace", false, List.of("ns"), NONE),
          core("pods", "Pod", true, List.of("po"), ALL),
          core("services", "Service", true, List.of("svc"), ALL),
          core("configmaps", "ConfigMap", true, List.of("cm"), NONE),
          core("secrets", "Secret", true, NONE, NONE),
          core("serviceaccounts", "ServiceAccount", true, List.of("sa"), NONE),
          core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), NONE),
          core("persistentvolumes", "PersistentVolume", false, List.of("pv"), NONE),
          core("events", "Event", true, List.of("ev"), NONE),
          core("endpoints", "Endpoints", true, List.of("ep"), NONE),
          core("nodes", "Node", false, List.of("no"), NONE),
          core("resourcequotas", "ResourceQuota", true, List.of("quota"), NONE),
          core("limitranges", "LimitRange", true, List.of("limits"), NONE),
          of("apps", "v1", "deployments", "Deployment", true, List.of("deploy"), ALL),
          of("apps", "v1", "statefulsets", "StatefulSet", true, List.of("sts"), ALL),
          of("apps", "v1", "daemonsets", "DaemonSet", true, List.of("ds"), ALL),
          of("apps", "v1", "replicasets", "ReplicaSet", true, List.of("rs"), ALL),
          of("apps", "v1", "controllerrevisions", "ControllerRevision", true, NONE, NONE),
          of("batch", "v1", "jobs", "Job", true, NONE, ALL),
          of("batch", "v1", "cronjobs", "CronJob", true, List.of("cj"), ALL),
          of("networking.k8s.io", "v1", "ingresses", "Ingress", true, List.of("ing"), NONE),
          of(
              "networking.k8s.io",
              "v1",
              "networkpolicies",
              "NetworkPolicy",
              true,
              List.of("netpol"),
              NONE),
          of("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, NONE, NONE),
          of(
              "autoscaling",
              "v2",
              "horizontalpodautoscalers",
              "HorizontalPodAutoscaler",
              true,
              List.of("hpa"),
              ALL),
          of(
              "policy",
              "v1",
              "poddisruptionbudgets",
              "PodDisruptionBudget",
              true,
              List.of("pdb"),
              NONE),
          of("rbac.authorization.k8s.io", "v1", "roles", "Role", true, NONE, NONE),
          of("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, NONE, NONE),
          of("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, NONE, NONE),
          of(
              "rbac.authorization.k8s.io",
              "v1",
              "clusterrolebindings",
              "ClusterRoleBinding",
              false,
              NONE,
              NONE),
          of("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, List.of("sc"), NONE),
          of("coordination.k8s.io", "v1", "leases", "Lease", true, NONE, NONE),
          of(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              NONE));

  private final Supplier<List<JsonNode>> customResourceDefinitions;

  /**
   * @param customResourceDefinitions the stored CRD objects, read on every call so that a CRD is
   *     discoverable as soon as it is created
   */
  ApiCatalog(Supplier<List<JsonNode>> customResourceDefinitions) {
    this.customResourceDefinitions = customResourceDefinitions;
  }

  /** All known resource types: built-in first, then those of stored CRDs. */
  List<ApiResource> resources() {
    List<ApiResource> all = new ArrayList<>(BUILT_IN);
    for (JsonNode crd : customResourceDefinitions.get()) {
      all.addAll(fromCustomResourceDefinition(crd));
    }
    return all;
  }

  /** The resources of one group/version, empty if the group/version is unknown. */
  List<ApiResource> resources(String group, String version) {
    return resources().stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version))
        .toList();
  }

  /** The resource type of objects with this {@code apiVersion} and {@code kind}. */
  Optional<ApiResource> forKind(String apiVersion, String kind) {
    return resources().stream()
        .filter(r -> r.groupVersion().equals(apiVersion) && r.kind().equals(kind))
        .findFirst();
  }

  /** The resource type served at this group/version under this plural name. */
  Optional<ApiResource> forPlural(String group, String version, String plural) {
    return resources(group, version).stream().filter(r -> r.plural().equals(plural)).findFirst();
  }

  /**
   * The non-core groups with their versions, most preferred version first, in order of first
   * appearance.
   */
  Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ApiResource resource : resources()) {
      if (resource.group().isEmpty()) {
        continue;
      }
      List<String> versions = groups.computeIfAbsent(resource.group(), g -> new ArrayList<>());
      if (!versions.contains(resource.version())) {
        versions.add(resource.version());
      }
    }
    groups.values().forEach(versions -> versions.sort(VERSION_PRIORITY));
    return groups;
  }

  /** The resource types one CRD defines: one per served version. */
  static List<ApiResource> fromCustomResourceDefinition(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asString("");
    String plural = names.path("plural").asString("");
    String kind = names.path("kind").asString("");
    if (group.isEmpty() || plural.isEmpty() || kind.isEmpty()) {
      return List.of();
    }
    String singular = names.path("singular").asString(kind.toLowerCase(Locale.ROOT));
    boolean namespaced = !"Cluster".equals(spec.path("scope").asString("Namespaced"));
    List<String> shortNames = strings(names.path("shortNames"));
    List<String> categories = strings(names.path("categories"));
    List<ApiResource> resources = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (version.path("served").asBoolean(true) && version.path("name").isString()) {
        resources.add(
            new ApiResource(
                group,
                version.path("name").stringValue(),
                plural,
                singular,
                kind,
                namespaced,
                shortNames,
                categories));
      }
    }
    return resources;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      if (value.isString()) {
        values.add(value.stringValue());
      }
    }
    return values;
  }

  private static ApiResource core(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {
    return of("", "v1", plural, kind, namespaced, shortNames, categories);
  }

  private static ApiResource of(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {
    return new ApiResource(
        group,
        version,
        plural,
        kind.toLowerCase(Locale.ROOT),
        kind,
        namespaced,
        shortNames,
        categories);
  }

  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /**
   * Kubernetes version priority: GA before beta before alpha, higher numbers first, anything else
   * last in alphabetical order (the order the API server uses for preferred versions).
   */
  static final Comparator<String> VERSION_PRIORITY =
      Comparator.comparingInt(ApiCatalog::stability)
          .thenComparing(Comparator.comparingInt(ApiCatalog::major).reversed())
          .thenComparing(Comparator.comparingInt(ApiCatalog::minor).reversed())
          .thenComparing(Comparator.naturalOrder());

  private static int stability(String version) {
    Matcher m = KUBE_VERSION.matcher(version);
    if (!m.matches()) {
      return 3;
    }
    if (m.group(2) == null) {
      return 0;
    }
    return "beta".equals(m.group(2)) ? 1 : 2;
  }

  private static int major(String version) {
    Matcher m = KUBE_VERSION.matcher(version);
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static int minor(String version) {
    Matcher m = KUBE_VERSION.matcher(version);
    return m.matches() && m.group(3) != null ? Integer.parseInt(m.group(3)) : 0;
  }
}
