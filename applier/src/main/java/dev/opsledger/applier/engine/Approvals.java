package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Manual-sync approvals. An approval is of a revision: of one resource at that revision, or of
 * every resource of a source at that revision. An approval of a resource that names no revision is
 * resolved to the resource's newest known revision when it arrives; when none is known yet it
 * approves the next diff of the resource, once.
 */
public final class Approvals {

  private final Set<String> approved = ConcurrentHashMap.newKeySet();

  /**
   * Records an approval; idempotent.
   *
   * @param approval the approval
   * @param newestRevision the resource's newest known revision, used when the approval names none
   */
  public void add(SyncApproved approval, String newestRevision) {
    if (approval.resource() != null) {
      String revision = approval.revision() != null ? approval.revision() : newestRevision;
      approved.add(resourceKey(approval.resource(), revision == null ? "*" : revision));
    }
    if (approval.sourceId() != null && approval.revision() != null) {
      approved.add("source:" + approval.sourceId() + "@" + approval.revision());
    }
  }

  /**
   * Whether an approval covers the resource at the revision; a one-time approval ("the next
   * revision") is used up by the call.
   */
  public boolean approves(ResourceKey resource, String sourceId, String revision) {
    if (revision != null && approved.contains(resourceKey(resource, revision))) {
      return true;
    }
    if (sourceId != null
        && revision != null
        && approved.contains("source:" + sourceId + "@" + revision)) {
      return true;
    }
    return approved.remove(resourceKey(resource, "*"));
  }

  /** Whether the approval names this resource and revision (or its source and revision). */
  public static boolean matches(
      SyncApproved approval, ResourceKey resource, String sourceId, String revision) {
    boolean revisionMatches = approval.revision() == null || approval.revision().equals(revision);
    if (approval.resource() != null) {
      return approval.resource().equals(resource) && revisionMatches;
    }
    return approval.sourceId().equals(sourceId) && revisionMatches;
  }

  private static String resourceKey(ResourceKey resource, String revision) {
    return "resource:" + resource + "@" + revision;
  }
}
