package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.SecretProtector;
import java.util.Set;

/**
 * Drops what the API server and its controllers write into an object, from both sides: {@code
 * status}; the metadata fields {@code uid}, {@code resourceVersion}, {@code generation}, {@code
 * managedFields}, {@code creationTimestamp}, {@code deletionTimestamp}, {@code
 * deletionGracePeriodSeconds} and {@code selfLink}; {@code creationTimestamp} in embedded object
 * templates (kubectl writes {@code creationTimestamp: null} there); {@code status} of StatefulSet
 * {@code volumeClaimTemplates}; and the annotations in {@link #SERVER_ANNOTATIONS}.
 *
 * <p>Live objects carry these fields; a desired manifest carries them only when it was exported
 * from a cluster ({@code kubectl get -o yaml}). Either way they are not the user's to declare, so
 * they are never compared.
 */
public final class ServerSetFieldsNormalizer implements Normalizer {

  /** Metadata fields the API server sets. */
  public static final Set<String> SERVER_METADATA =
      Set.of(
          "uid",
          "resourceVersion",
          "generation",
          "managedFields",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "selfLink");

  /**
   * Annotations written by kubectl, the API server or built-in controllers, never by the user. The
   * last-applied annotation also holds plain Secret values, so it must never reach a diff.
   */
  public static final Set<String> SERVER_ANNOTATIONS =
      Set.of(
          SecretProtector.LAST_APPLIED,
          "deployment.kubernetes.io/revision",
          "deployment.kubernetes.io/desired-replicas",
          "deployment.kubernetes.io/max-replicas",
          "deprecated.daemonset.template.generation",
          "autoscaling.alpha.kubernetes.io/conditions",
          "autoscaling.alpha.kubernetes.io/current-metrics",
          "pv.kubernetes.io/bind-completed",
          "pv.kubernetes.io/bound-by-controller",
          "pv.kubernetes.io/provisioned-by",
          "volume.beta.kubernetes.io/storage-provisioner",
          "volume.kubernetes.io/storage-provisioner",
          "volume.kubernetes.io/selected-node",
          "endpoints.kubernetes.io/last-change-trigger-time",
          "control-plane.alpha.kubernetes.io/leader",
          "batch.kubernetes.io/job-tracking");

  @Override
  public void normalize(Comparison comparison) {
    strip(comparison.desired());
    strip(comparison.live());
  }

  private static void strip(ObjectNode root) {
    root.remove("status");
    if (root.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove(SERVER_METADATA);
      if (metadata.get("annotations") instanceof ObjectNode annotations) {
        annotations.remove(SERVER_ANNOTATIONS);
      }
    }
    stripEmbedded(root.get("spec"), false);
  }

  /**
   * Embedded objects (pod templates, job templates, claim templates) have metadata of their own.
   */
  private static void stripEmbedded(JsonNode node, boolean claimTemplate) {
    if (node instanceof ObjectNode obj) {
      if (obj.get("metadata") instanceof ObjectNode metadata) {
        metadata.remove("creationTimestamp");
      }
      if (claimTemplate) {
        obj.remove("status");
      }
      for (var e : obj.properties()) {
        stripEmbedded(e.getValue(), "volumeClaimTemplates".equals(e.getKey()));
      }
    } else if (node != null && node.isArray()) {
      for (JsonNode item : node) {
        stripEmbedded(item, claimTemplate);
      }
    }
  }
}
