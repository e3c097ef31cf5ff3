package dev.opsledger.events;

import java.time.Instant;

/**
 * An apply attempt succeeded.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision that was applied
 * @param outcome what changed
 * @param dryRun whether this was a dry run (then {@code outcome} says what would have changed)
 * @param attempt the attempt that succeeded
 * @param finishedAt when it finished
 * @param durationMillis how long the attempt took
 */
public record ApplySucceeded(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    ApplyOutcome outcome,
    boolean dryRun,
    int attempt,
    Instant finishedAt,
    long durationMillis)
    implements ApplyEvent {

  /** Checks the required fields. */
  public ApplySucceeded {
    Require.present("resource", resource);
    Require.present("outcome", outcome);
    Require.present("finishedAt", finishedAt);
  }
}
