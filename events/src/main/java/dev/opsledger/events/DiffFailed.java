package dev.opsledger.events;

import java.time.Instant;

/**
 * The differ could not compare a resource (for example a manifest whose shape it cannot read). It
 * says so instead of staying silent, and keeps going with every other resource.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision that could not be compared
 * @param detectedAt when the comparison failed
 * @param reason what went wrong
 */
public record DiffFailed(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    Instant detectedAt,
    String reason)
    implements DiffEvent {

  /** Checks the required fields. */
  public DiffFailed {
    Require.present("resource", resource);
    Require.present("detectedAt", detectedAt);
    Require.text("reason", reason);
  }

  @Override
  public DiffState state() {
    return DiffState.FAILED;
  }

  @Override
  public String revision() {
    return desiredRevision;
  }
}
