package dev.opsledger.events;

import java.time.Instant;

/**
 * The live state of a declared resource matches its desired state (after normalisation).
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision it is in sync with
 * @param observedHash the content hash of the live state that was compared
 * @param detectedAt when it was found to be in sync
 */
public record ResourceInSync(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    String observedHash,
    Instant detectedAt)
    implements DiffEvent {

  /** Checks the required fields. */
  public ResourceInSync {
    Require.present("resource", resource);
    Require.text("desiredRevision", desiredRevision);
    Require.present("detectedAt", detectedAt);
  }

  @Override
  public DiffState state() {
    return DiffState.IN_SYNC;
  }

  @Override
  public String revision() {
    return desiredRevision;
  }
}
