package dev.opsledger.events;

import java.time.Instant;

/**
 * An apply attempt failed.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision that was being applied
 * @param terminal {@code true} when retrying cannot help (invalid, immutable field: needs replace)
 *     and the applier will not retry; {@code false} when it retries with backoff
 * @param reason a short code such as {@code Invalid}, {@code NeedsReplace}, {@code Conflict},
 *     {@code NotFound}, {@code Unreachable}, {@code Throttled}
 * @param message the API's message, secrets removed
 * @param httpStatus the HTTP status of the failed call, or {@code null}
 * @param attempt the attempt that failed
 * @param failedAt when it failed
 * @param nextAttemptAt when the next attempt is due, {@code null} when terminal
 */
public record ApplyFailed(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    boolean terminal,
    String reason,
    String message,
    Integer httpStatus,
    int attempt,
    Instant failedAt,
    Instant nextAttemptAt)
    implements ApplyEvent {

  /** Checks the required fields. */
  public ApplyFailed {
    Require.present("resource", resource);
    Require.text("reason", reason);
    Require.present("failedAt", failedAt);
    message = message == null ? "" : message;
  }

  /**
   * Whether the applier retries (at {@link #nextAttemptAt}): the failure is transient, e.g. the API
   * server is unreachable. Derived from {@link #terminal}, so it is not a field on the wire.
   */
  public boolean retrying() {
    return !terminal;
  }
}
