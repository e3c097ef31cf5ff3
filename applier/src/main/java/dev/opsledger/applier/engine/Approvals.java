package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual-sync approvals, each bound to the revision it names: of one resource at that revision, or
 * of every resource of a source at that revision. An approval is only ever consumed for its own
 * revision; a later revision of the same resource waits for an approval of its own.
 *
 * <p>An approval that names no revision approves nothing. Only records written before approvals
 * were bound (issue 14) lack one: they used to approve "the resource's newest revision", resolved
 * when they were read, so replaying one after a restart approved whatever revision was newest then,
 * one nobody had looked at.
 */
public final class Approvals {

  private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);

  private final Set<String> approved = ConcurrentHashMap.newKeySet();

  /**
   * Records an approval; idempotent.
   *
   * @return whether it approves anything (it names a revision)
   */
  public boolean add(SyncApproved approval) {
    if (approval.revision() == null) {
      LOG.warn(
          "an approval of {} by {} names no revision: it approves nothing (approvals are bound to"
              + " a revision; approve again with 'opsledger sync')",
          approval.subject(),
          approval.approvedBy());
      return false;
    }
    if (approval.resource() != null) {
      approved.add(resourceKey(approval.resource(), approval.revision()));
    } else {
      approved.add(sourceKey(approval.sourceId(), approval.revision()));
    }
    return true;
  }

  /** Whether an approval covers the resource at exactly this revision (or its source's). */
  public boolean approves(ResourceKey resource, String sourceId, String revision) {
    if (revision == null) {
      return false;
    }
    return approved.contains(resourceKey(resource, revision))
        || (sourceId != null && approved.contains(sourceKey(sourceId, revision)));
  }

  /**
   * Whether the approval names this resource (or its source) and exactly this revision; one that
   * names no revision matches nothing.
   */
  public static boolean matches(
      SyncApproved approval, ResourceKey resource, String sourceId, String revision) {
    if (approval.revision() == null || !approval.revision().equals(revision)) {
      return false;
    }
    if (approval.resource() != null) {
      return approval.resource().equals(resource);
    }
    return approval.sourceId().equals(sourceId);
  }

  private static String resourceKey(ResourceKey resource, String revision) {
    return "resource:" + resource + "@" + revision;
  }

  private static String sourceKey(String sourceId, String revision) {
    return "source:" + sourceId + "@" + revision;
  }
}
