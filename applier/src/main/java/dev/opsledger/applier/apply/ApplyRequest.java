package dev.opsledger.applier.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.ResourceKey;

/**
 * Create or update one resource to its desired state.
 *
 * @param resource the resource
 * @param manifest the desired manifest, Secret values already unsealed: never log it
 * @param sourceId the source that declares it
 * @param revision the desired revision
 * @param dryRun validate only
 * @param forceConflicts take fields other field managers own
 */
public record ApplyRequest(
    ResourceKey resource,
    ObjectNode manifest,
    String sourceId,
    String revision,
    boolean dryRun,
    boolean forceConflicts) {

  /** Never print the manifest: it may hold unsealed Secret values. */
  @Override
  public String toString() {
    return "ApplyRequest[" + resource + "@" + revision + (dryRun ? ", dry run" : "") + "]";
  }
}
