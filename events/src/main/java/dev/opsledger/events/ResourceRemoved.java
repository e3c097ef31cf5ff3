package dev.opsledger.events;

import java.time.Instant;

/**
 * A resource is neither declared nor live any more: the end of its history.
 *
 * @param resource the resource
 * @param sourceId the source that last declared it, or {@code null}
 * @param removedInRevision the revision that removed it from Git, or {@code null}
 * @param detectedAt when both were seen gone
 */
public record ResourceRemoved(
    ResourceKey resource, String sourceId, String removedInRevision, Instant detectedAt)
    implements DiffEvent {

  /** Checks the required fields. */
  public ResourceRemoved {
    Require.present("resource", resource);
    Require.present("detectedAt", detectedAt);
  }

  @Override
  public DiffState state() {
    return DiffState.REMOVED;
  }

  @Override
  public String revision() {
    return removedInRevision;
  }
}
