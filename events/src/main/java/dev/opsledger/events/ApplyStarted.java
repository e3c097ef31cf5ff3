package dev.opsledger.events;

import java.time.Instant;

/**
 * The applier began an attempt to converge a resource.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision being applied
 * @param action apply or delete
 * @param dryRun whether the attempt only validates (server dry-run) and changes nothing
 * @param attempt 1 for the first attempt, counting up on retries
 * @param startedAt when the attempt began
 */
public record ApplyStarted(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    ApplyAction action,
    boolean dryRun,
    int attempt,
    Instant startedAt)
    implements ApplyEvent {

  /** Checks the required fields. */
  public ApplyStarted {
    Require.present("resource", resource);
    Require.present("action", action);
    Require.present("startedAt", startedAt);
  }
}
