package dev.opsledger.events;

import java.time.Instant;

/**
 * The applier decided not to act on a diff, and says which policy made it so.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision of the diff that was not applied
 * @param policy the policy that skipped it: {@code manual-approval}, {@code prune-disabled}, {@code
 *     self-heal-disabled}, {@code stale-revision}, {@code already-applied}
 * @param detail a sentence for people
 * @param skippedAt when it was skipped
 */
public record ApplySkipped(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    String policy,
    String detail,
    Instant skippedAt)
    implements ResourceEvent {

  /** Checks the required fields. */
  public ApplySkipped {
    Require.present("resource", resource);
    Require.text("policy", policy);
    Require.present("skippedAt", skippedAt);
    detail = detail == null ? "" : detail;
  }
}
