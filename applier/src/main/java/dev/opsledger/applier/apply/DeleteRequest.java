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
 * @param observedUid the uid of the live object the differ found extraneous ({@code
 *     ResourceExtraneous.observedUid}): only that object may be deleted. {@code null} when the diff
 *     carries none (AWS resources, which have no uid, and diffs written before the uid was carried)
 */
public record DeleteRequest(
    ResourceKey resource,
    JsonNode lastManifest,
    String propagation,
    boolean dryRun,
    String observedUid) {

  @Override
  public String toString() {
    return "DeleteRequest["
        + resource
        + (observedUid == null ? "" : ", uid " + observedUid)
        + (dryRun ? ", dry run" : "")
        + "]";
  }
}
