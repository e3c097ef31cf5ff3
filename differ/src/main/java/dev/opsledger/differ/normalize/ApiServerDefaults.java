package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.tree.ManifestRef;
import dev.opsledger.differ.tree.Site;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values the Kubernetes API server writes into an object where its manifest leaves a field out
 * (the {@code SetDefaults_*} functions of {@code k8s.io/kubernetes/pkg/apis/<group>/v1}), for the
 * kinds OpsLedger knows: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod,
 * Service, Secret, PersistentVolumeClaim, Ingress and HorizontalPodAutoscaler. ConfigMap has no
 * defaults (its empty {@code data} is the empty-collections rule).
 *
 * <p>Fields are named by patterns: JSON pointers with {@code *} for any list item. Most defaults
 * are constants; two are computed from the item they belong to: a container's {@code
 * imagePullPolicy} ({@code Always} for an image tagged {@code :latest} or not tagged, otherwise
 * {@code IfNotPresent}) and a Service port's {@code targetPort} (its {@code port}). Some objects
 * are created by the server too (a Deployment's {@code strategy}, a pod's {@code securityContext}):
 * their default is {@code {}}, then filled field by field.
 *
 * <p>Separately, some Service fields are <em>allocated</em>: left empty in a manifest ({@code
 * clusterIP: ""}, {@code nodePort: 0}), the server picks a value, so an empty desired value matches
 * whatever was allocated.
 */
public final class ApiServerDefaults {

  /** A default value for one field, possibly computed from the object that holds it. */
  @FunctionalInterface
  public interface DefaultValue {
    /**
     * The value the API server would store at a site, or {@code null} when it stores none.
     *
     * @param site where the field is, with its desired and live parents
     */
    JsonNode at(Site site);
  }

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String CONTAINERS = "/containers/*";
  private static final String INIT_CONTAINERS = "/initContainers/*";
  private static final Set<String> ALLOCATED_FIELDS =
      Set.of("clusterIP", "clusterIPs", "nodePort", "healthCheckNodePort");
  private static final Map<String, Set<String>> ALLOCATED =
      Map.of(
          "Service",
          Set.of(
              "/spec/clusterIP",
              "/spec/clusterIPs",
              "/spec/ports/*/nodePort",
              "/spec/healthCheckNodePort"));
  private static final Map<String, Map<String, DefaultValue>> DEFAULTS = build();

  private ApiServerDefaults() {}

  /** Whether the API server defaults any field of this kind. */
  public static boolean knowsKind(ManifestRef ref) {
    return DEFAULTS.containsKey(ref.groupKind());
  }

  /**
   * The default for a field of a kind.
   *
   * @param ref the object
   * @param pattern the field's pattern ({@code Path.pattern()})
   * @return the default, or {@code null} when the server sets none there
   */
  public static DefaultValue lookup(ManifestRef ref, String pattern) {
    Map<String, DefaultValue> byPattern = DEFAULTS.get(ref.groupKind());
    return byPattern == null ? null : byPattern.get(pattern);
  }

  /** Whether a field of a kind is allocated by the server when the manifest leaves it empty. */
  public static boolean isAllocated(ManifestRef ref, String field, String pattern) {
    if (!ALLOCATED_FIELDS.contains(field)) {
      return false;
    }
    Set<String> patterns = ALLOCATED.get(ref.groupKind());
    return patterns != null && patterns.contains(pattern);
  }

  /** The {@code imagePullPolicy} the API server gives a container with this image. */
  public static String imagePullPolicyFor(String image) {
    if (image == null || image.isEmpty()) {
      return "IfNotPresent";
    }
    if (image.contains("@")) {
      return "IfNotPresent"; // pinned by digest
    }
    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
    int colon = lastSegment.lastIndexOf(':');
    if (colon < 0 || "latest".equals(lastSegment.substring(colon + 1))) {
      return "Always";
    }
    return "IfNotPresent";
  }

  private static Map<String, Map<String, DefaultValue>> build() {
    Table t = new Table();
    t.kind("Deployment.apps")
        .constant("/spec/replicas", JSON.numberNode(1))
        .constant("/spec/revisionHistoryLimit", JSON.numberNode(10))
        .constant("/spec/progressDeadlineSeconds", JSON.numberNode(600))
        .object("/spec/strategy")
        .constant("/spec/strategy/type", JSON.textNode("RollingUpdate"))
        .object("/spec/strategy/rollingUpdate")
        .constant("/spec/strategy/rollingUpdate/maxUnavailable", JSON.textNode("25%"))
        .constant("/spec/strategy/rollingUpdate/maxSurge", JSON.textNode("25%"))
        .podSpec("/spec/template/spec", true);
    t.kind("StatefulSet.apps")
        .constant("/spec/replicas", JSON.numberNode(1))
        .constant("/spec/revisionHistoryLimit", JSON.numberNode(10))
        .constant("/spec/podManagementPolicy", JSON.textNode("OrderedReady"))
        .object("/spec/updateStrategy")
        .constant("/spec/updateStrategy/type", JSON.textNode("RollingUpdate"))
        .object("/spec/updateStrategy/rollingUpdate")
        .constant("/spec/updateStrategy/rollingUpdate/partition", JSON.numberNode(0))
        .object("/spec/persistentVolumeClaimRetentionPolicy")
        .constant("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted", JSON.textNode("Retain"))
        .constant("/spec/persistentVolumeClaimRetentionPolicy/whenScaled", JSON.textNode("Retain"))
        .constant("/spec/volumeClaimTemplates/*/spec/volumeMode", JSON.textNode("Filesystem"))
        .podSpec("/spec/template/spec", true);
    t.kind("DaemonSet.apps")
        .constant("/spec/revisionHistoryLimit", JSON.numberNode(10))
        .object("/spec/updateStrategy")
        .constant("/spec/updateStrategy/type", JSON.textNode("RollingUpdate"))
        .object("/spec/updateStrategy/rollingUpdate")
        .constant("/spec/updateStrategy/rollingUpdate/maxUnavailable", JSON.numberNode(1))
        .constant("/spec/updateStrategy/rollingUpdate/maxSurge", JSON.numberNode(0))
        .podSpec("/spec/template/spec", true);
    t.kind("ReplicaSet.apps")
        .constant("/spec/replicas", JSON.numberNode(1))
        .podSpec("/spec/template/spec", true);
    t.kind("Job.batch").job("/spec").podSpec("/spec/template/spec", false);
    t.kind("CronJob.batch")
        .constant("/spec/concurrencyPolicy", JSON.textNode("Allow"))
        .constant("/spec/suspend", JSON.booleanNode(false))
        .constant("/spec/successfulJobsHistoryLimit", JSON.numberNode(3))
        .constant("/spec/failedJobsHistoryLimit", JSON.numberNode(1))
        .job("/spec/jobTemplate/spec")
        .podSpec("/spec/jobTemplate/spec/template/spec", false);
    t.kind("Pod")
        .constant("/spec/enableServiceLinks", JSON.booleanNode(true))
        .podSpec("/spec", true);
    t.kind("Service")
        .constant("/spec/type", JSON.textNode("ClusterIP"))
        .constant("/spec/sessionAffinity", JSON.textNode("None"))
        .constant("/spec/sessionAffinityConfig/clientIP/timeoutSeconds", JSON.numberNode(10800))
        .constant("/spec/ipFamilyPolicy", JSON.textNode("SingleStack"))
        .constant("/spec/ipFamilies", JSON.arrayNode().add("IPv4"))
        .constant("/spec/internalTrafficPolicy", JSON.textNode("Cluster"))
        .constant("/spec/externalTrafficPolicy", JSON.textNode("Cluster"))
        .constant("/spec/allocateLoadBalancerNodePorts", JSON.booleanNode(true))
        .constant("/spec/ports/*/protocol", JSON.textNode("TCP"))
        .put("/spec/ports/*/targetPort", ApiServerDefaults::targetPort);
    t.kind("Secret").constant("/type", JSON.textNode("Opaque"));
    t.kind("PersistentVolumeClaim").constant("/spec/volumeMode", JSON.textNode("Filesystem"));
    t.kind("Ingress.networking.k8s.io")
        .constant("/spec/rules/*/http/paths/*/pathType", JSON.textNode("ImplementationSpecific"));
    t.kind("HorizontalPodAutoscaler.autoscaling")
        .constant("/spec/minReplicas", JSON.numberNode(1))
        .object("/spec/behavior")
        .object("/spec/behavior/scaleUp")
        .constant("/spec/behavior/scaleUp/stabilizationWindowSeconds", JSON.numberNode(0))
        .constant("/spec/behavior/scaleUp/selectPolicy", JSON.textNode("Max"))
        .constant(
            "/spec/behavior/scaleUp/policies",
            policies(policy("Pods", 4, 15), policy("Percent", 100, 15)))
        .object("/spec/behavior/scaleDown")
        .constant("/spec/behavior/scaleDown/stabilizationWindowSeconds", JSON.numberNode(300))
        .constant("/spec/behavior/scaleDown/selectPolicy", JSON.textNode("Max"))
        .constant("/spec/behavior/scaleDown/policies", policies(policy("Percent", 100, 15)));
    return t.build();
  }

  private static ObjectNode policy(String type, int value, int periodSeconds) {
    return JSON.objectNode()
        .put("type", type)
        .put("value", value)
        .put("periodSeconds", periodSeconds);
  }

  private static ArrayNode policies(ObjectNode... items) {
    return JSON.arrayNode().addAll(List.of(items));
  }

  private static JsonNode imagePullPolicy(Site site) {
    JsonNode image = site.liveParent().get("image");
    if (image == null) {
      image = site.desiredParent().get("image");
    }
    return JSON.textNode(imagePullPolicyFor(image == null ? null : image.asText()));
  }

  private static JsonNode targetPort(Site site) {
    JsonNode port = site.liveParent().get("port");
    if (port == null) {
      port = site.desiredParent().get("port");
    }
    return port == null ? null : port.deepCopy();
  }

  /** Builds the per-kind tables. */
  private static final class Table {
    private final Map<String, Map<String, DefaultValue>> kinds = new HashMap<>();
    private Map<String, DefaultValue> current;

    Table kind(String groupKind) {
      current = kinds.computeIfAbsent(groupKind, k -> new HashMap<>());
      return this;
    }

    Table put(String pattern, DefaultValue value) {
      current.put(pattern, value);
      return this;
    }

    Table constant(String pattern, JsonNode value) {
      return put(pattern, site -> value.deepCopy());
    }

    Table object(String pattern) {
      return put(pattern, site -> JSON.objectNode());
    }

    Table job(String spec) {
      return constant(spec + "/parallelism", JSON.numberNode(1))
          .constant(spec + "/completions", JSON.numberNode(1))
          .constant(spec + "/backoffLimit", JSON.numberNode(6))
          .constant(spec + "/completionMode", JSON.textNode("NonIndexed"))
          .constant(spec + "/suspend", JSON.booleanNode(false))
          .constant(spec + "/podReplacementPolicy", JSON.textNode("TerminatingOrFailed"));
    }

    Table podSpec(String spec, boolean restartAlways) {
      if (restartAlways) {
        constant(spec + "/restartPolicy", JSON.textNode("Always"));
      }
      constant(spec + "/dnsPolicy", JSON.textNode("ClusterFirst"));
      constant(spec + "/schedulerName", JSON.textNode("default-scheduler"));
      constant(spec + "/terminationGracePeriodSeconds", JSON.numberNode(30));
      object(spec + "/securityContext");
      for (String list : List.of(CONTAINERS, INIT_CONTAINERS)) {
        container(spec + list);
      }
      for (String source : List.of("configMap", "secret", "downwardAPI", "projected")) {
        constant(spec + "/volumes/*/" + source + "/defaultMode", JSON.numberNode(420));
      }
      constant(spec + "/volumes/*/hostPath/type", JSON.textNode(""));
      return this;
    }

    private void container(String c) {
      constant(c + "/terminationMessagePath", JSON.textNode("/dev/termination-log"));
      constant(c + "/terminationMessagePolicy", JSON.textNode("File"));
      put(c + "/imagePullPolicy", ApiServerDefaults::imagePullPolicy);
      object(c + "/resources");
      constant(c + "/ports/*/protocol", JSON.textNode("TCP"));
      constant(c + "/env/*/valueFrom/fieldRef/apiVersion", JSON.textNode("v1"));
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        String p = c + "/" + probe;
        constant(p + "/timeoutSeconds", JSON.numberNode(1));
        constant(p + "/periodSeconds", JSON.numberNode(10));
        constant(p + "/successThreshold", JSON.numberNode(1));
        constant(p + "/failureThreshold", JSON.numberNode(3));
        constant(p + "/httpGet/scheme", JSON.textNode("HTTP"));
        constant(p + "/httpGet/path", JSON.textNode("/"));
      }
    }

    Map<String, Map<String, DefaultValue>> build() {
      Map<String, Map<String, DefaultValue>> out = new HashMap<>();
      kinds.forEach((k, v) -> out.put(k, Map.copyOf(v)));
      return Map.copyOf(out);
    }
  }
}
