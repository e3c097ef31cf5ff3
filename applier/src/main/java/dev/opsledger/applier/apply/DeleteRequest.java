package dev.opsledger.applier.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;

/**
 * Delete (prune) one resource.
 *
 * @param resource the resource
 * @param lastManifest its last declared manifest (for its apiVersion and AWS options such as {@code
 *     spec.forceDelete}), or {@code null} when it was never declared
 * @param propagation the Kubernetes propagation policy: {@code Foreground}, {@code Background} or
 *     {@code Orphan}
 * @param dryRun validate only
 */
public record DeleteRequest(
    ResourceKey resource, JsonNode lastManifest, String propagation, boolean dryRun) {

  @Override
  public String toString() {
    return "DeleteRequest[" + resource + (dryRun ? ", dry run" : "") + "]";
  }
}
