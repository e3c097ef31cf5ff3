package dev.opsledger.collector.health;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The built-in health rules, after Argo CD's health checks and kstatus: a rollout is healthy once
 * the controller observed the latest generation and every replica is updated and available; a Job
 * once complete; a claim once bound; a load balancer once it has an address; anything else with a
 * {@code Ready} or {@code Available} condition by that condition; any other object because it
 * exists (a ConfigMap has no status to wait for).
 *
 * <p>There are no controllers in a test cluster: a Deployment there stays {@code Progressing} until
 * something writes its status, which is what a real cluster's controllers do.
 */
public final class KubernetesHealth {

  private KubernetesHealth() {}

  /** The health of {@code object}, a live Kubernetes object with its {@code status}. */
  public static Health assess(JsonNode object) {
    String group = groupOf(object.path("apiVersion").asText(""));
    String kind = object.path("kind").asText("");
    return switch (group + "/" + kind) {
      case "apps/Deployment" -> deployment(object);
      case "apps/StatefulSet" -> statefulSet(object);
      case "apps/DaemonSet" -> daemonSet(object);
      case "batch/Job" -> job(object);
      case "batch/CronJob" -> cronJob(object);
      case "/PersistentVolumeClaim" -> claim(object);
      case "/Service" -> service(object);
      case "/Pod" -> pod(object);
      default -> byConditions(object);
    };
  }

  /** The API group of an {@code apiVersion}: empty for the core group. */
  public static String groupOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static Health deployment(JsonNode o) {
    final String rule = "DeploymentRollout";
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    if (spec.path("paused").asBoolean(false)) {
      return Health.suspended(rule, "the rollout is paused");
    }
    if (!generationObserved(o)) {
      return Health.progressing(rule, "waiting for the controller to observe generation " + gen(o));
    }
    JsonNode progressing = condition(status, "Progressing");
    if ("ProgressDeadlineExceeded".equals(progressing.path("reason").asText())) {
      return Health.degraded(
          rule, orElse(progressing.path("message").asText(""), "the progress deadline passed"));
    }
    long want = spec.path("replicas").asLong(1);
    long updated = status.path("updatedReplicas").asLong(0);
    long total = status.path("replicas").asLong(0);
    long available = status.path("availableReplicas").asLong(0);
    if (updated < want) {
      return Health.progressing(rule, updated + " of " + want + " replicas are updated");
    }
    if (total > updated) {
      return Health.progressing(rule, (total - updated) + " old replicas are being terminated");
    }
    if (available < want) {
      return Health.progressing(
          rule, available + " of " + want + " updated replicas are available");
    }
    return Health.healthy(rule, available + " of " + want + " updated replicas are available");
  }

  private static Health statefulSet(JsonNode o) {
    final String rule = "StatefulSetRollout";
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    if (!generationObserved(o)) {
      return Health.progressing(rule, "waiting for the controller to observe generation " + gen(o));
    }
    long want = spec.path("replicas").asLong(1);
    long ready = status.path("readyReplicas").asLong(0);
    if (ready < want) {
      return Health.progressing(rule, ready + " of " + want + " replicas are ready");
    }
    JsonNode strategy = spec.path("updateStrategy");
    if ("OnDelete".equals(strategy.path("type").asText())) {
      return Health.healthy(rule, "updates on delete; " + ready + " replicas are ready");
    }
    long partition = strategy.path("rollingUpdate").path("partition").asLong(0);
    long updated = status.path("updatedReplicas").asLong(0);
    if (partition > 0) {
      long expected = Math.max(0, want - partition);
      if (updated < expected) {
        return Health.progressing(
            rule, updated + " of " + expected + " replicas above the partition are updated");
      }
      return Health.healthy(rule, "the partitioned rollout is done");
    }
    String current = status.path("currentRevision").asText("");
    String update = status.path("updateRevision").asText("");
    if (!update.isEmpty() && !update.equals(current)) {
      return Health.progressing(rule, updated + " of " + want + " replicas are updated");
    }
    return Health.healthy(rule, ready + " of " + want + " replicas are ready");
  }

  private static Health daemonSet(JsonNode o) {
    final String rule = "DaemonSetRollout";
    JsonNode status = o.path("status");
    if (!generationObserved(o)) {
      return Health.progressing(rule, "waiting for the controller to observe generation " + gen(o));
    }
    if ("OnDelete".equals(o.path("spec").path("updateStrategy").path("type").asText())) {
      return Health.healthy(rule, "updates on delete");
    }
    long desired = status.path("desiredNumberScheduled").asLong(0);
    long updated = status.path("updatedNumberScheduled").asLong(0);
    long available = status.path("numberAvailable").asLong(0);
    if (updated < desired) {
      return Health.progressing(rule, updated + " of " + desired + " pods are updated");
    }
    if (available < desired) {
      return Health.progressing(rule, available + " of " + desired + " pods are available");
    }
    return Health.healthy(rule, available + " of " + desired + " pods are available");
  }

  private static Health job(JsonNode o) {
    final String rule = "Job";
    JsonNode status = o.path("status");
    JsonNode failed = condition(status, "Failed");
    if (isTrue(failed)) {
      return Health.degraded(
          rule,
          orElse(
              failed.path("message").asText(""), failed.path("reason").asText("the job failed")));
    }
    if (isTrue(condition(status, "Complete"))) {
      return Health.healthy(rule, "the job completed");
    }
    if (o.path("spec").path("suspend").asBoolean(false)) {
      return Health.suspended(rule, "the job is suspended");
    }
    return Health.progressing(rule, "the job is running");
  }

  private static Health cronJob(JsonNode o) {
    if (o.path("spec").path("suspend").asBoolean(false)) {
      return Health.suspended("CronJob", "the schedule is suspended");
    }
    return Health.healthy("CronJob", "scheduled");
  }

  private static Health claim(JsonNode o) {
    final String rule = "PersistentVolumeClaim";
    String phase = o.path("status").path("phase").asText("");
    return switch (phase) {
      case "Bound" -> Health.healthy(rule, "bound");
      case "Lost" -> Health.degraded(rule, "the claim lost its volume");
      case "Pending" -> Health.progressing(rule, "waiting for a volume");
      default -> Health.progressing(rule, "no phase yet");
    };
  }

  private static Health service(JsonNode o) {
    if (!"LoadBalancer".equals(o.path("spec").path("type").asText())) {
      return exists();
    }
    JsonNode ingress = o.path("status").path("loadBalancer").path("ingress");
    if (ingress.isArray() && !ingress.isEmpty()) {
      JsonNode first = ingress.get(0);
      return Health.healthy(
          "LoadBalancer",
          "address " + orElse(first.path("ip").asText(""), first.path("hostname").asText("")));
    }
    return Health.progressing("LoadBalancer", "waiting for an address");
  }

  private static Health pod(JsonNode o) {
    final String rule = "Pod";
    JsonNode status = o.path("status");
    return switch (status.path("phase").asText("")) {
      case "Succeeded" -> Health.healthy(rule, "the pod completed");
      case "Failed" ->
          Health.degraded(rule, orElse(status.path("message").asText(""), "the pod failed"));
      case "Running" ->
          isTrue(condition(status, "Ready"))
              ? Health.healthy(rule, "running and ready")
              : Health.progressing(rule, "running, not ready");
      default -> Health.progressing(rule, "pending");
    };
  }

  /**
   * kstatus' generic rule: a controller that did not observe the latest generation is still at
   * work; a {@code Stalled} condition is a failure; then {@code Ready}, else {@code Available},
   * decides ({@code True} healthy, {@code False} degraded, {@code Unknown} progressing); a {@code
   * Reconciling} condition means work in progress; an object without any of them is healthy.
   */
  private static Health byConditions(JsonNode o) {
    JsonNode status = o.path("status");
    if (status.has("observedGeneration") && !generationObserved(o)) {
      return Health.progressing(
          "ObservedGeneration", "waiting for the controller to observe generation " + gen(o));
    }
    JsonNode stalled = condition(status, "Stalled");
    if (isTrue(stalled)) {
      return Health.degraded("Condition:Stalled", text(stalled));
    }
    for (String type : new String[] {"Ready", "Available"}) {
      JsonNode c = condition(status, type);
      if (!c.isMissingNode()) {
        String rule = "Condition:" + type;
        return switch (c.path("status").asText("")) {
          case "True" -> Health.healthy(rule, text(c));
          case "False" -> Health.degraded(rule, text(c));
          default -> Health.progressing(rule, text(c));
        };
      }
    }
    JsonNode reconciling = condition(status, "Reconciling");
    if (isTrue(reconciling)) {
      return Health.progressing("Condition:Reconciling", text(reconciling));
    }
    return exists();
  }

  private static Health exists() {
    return Health.healthy(Health.EXISTS, "");
  }

  private static boolean generationObserved(JsonNode o) {
    JsonNode generation = o.path("metadata").path("generation");
    JsonNode observed = o.path("status").path("observedGeneration");
    if (!generation.isNumber()) {
      // No generation (an object the API server does not version): nothing to wait for.
      return true;
    }
    return observed.isNumber() && observed.asLong() >= generation.asLong();
  }

  private static long gen(JsonNode o) {
    return o.path("metadata").path("generation").asLong(0);
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static boolean isTrue(JsonNode condition) {
    return "True".equals(condition.path("status").asText());
  }

  private static String text(JsonNode condition) {
    String reason = condition.path("reason").asText("");
    String message = condition.path("message").asText("");
    if (reason.isEmpty()) {
      return message;
    }
    return message.isEmpty() ? reason : reason + ": " + message;
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
