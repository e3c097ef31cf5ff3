package dev.opsledger.events;

import java.time.Instant;

/**
 * A resource is declared in Git but does not exist live.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision that declares it
 * @param detectedAt when it was found missing
 */
public record ResourceMissing(
    ResourceKey resource, String sourceId, String desiredRevision, Instant detectedAt)
    implements DiffEvent {

  /** Checks the required fields. */
  public ResourceMissing {
    Require.present("resource", resource);
    Require.text("desiredRevision", desiredRevision);
    Require.present("detectedAt", detectedAt);
  }

  @Override
  public DiffState state() {
    return DiffState.MISSING;
  }

  @Override
  public String revision() {
    return desiredRevision;
  }
}
