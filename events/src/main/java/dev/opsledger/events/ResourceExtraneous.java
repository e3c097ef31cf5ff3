package dev.opsledger.events;

import java.time.Instant;

/**
 * A resource exists live and is managed by OpsLedger, but Git no longer declares it: a candidate
 * for pruning.
 *
 * @param resource the resource
 * @param sourceId the source that last declared it, or {@code null} when it never did
 * @param removedInRevision the revision that removed it from Git, or {@code null}
 * @param observedHash the content hash of the live state
 * @param detectedAt when it was found extraneous
 */
public record ResourceExtraneous(
    ResourceKey resource,
    String sourceId,
    String removedInRevision,
    String observedHash,
    Instant detectedAt)
    implements DiffEvent {

  /** Checks the required fields. */
  public ResourceExtraneous {
    Require.present("resource", resource);
    Require.present("detectedAt", detectedAt);
  }

  @Override
  public DiffState state() {
    return DiffState.EXTRANEOUS;
  }

  @Override
  public String revision() {
    return removedInRevision;
  }
}
