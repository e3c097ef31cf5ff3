package dev.opsledger.events;

import java.time.Instant;

/**
 * The collector could not observe a resource or a whole kind ({@link ResourceKey#ANY_NAME} as the
 * name). It keeps observing everything else.
 *
 * @param resource the resource or kind
 * @param observedAt when the failure happened
 * @param reason a short code: {@code Forbidden}, {@code UnknownKind}, {@code Unserializable},
 *     {@code Throttled}, {@code Unreachable}, {@code Error}
 * @param message the API's message, secrets removed
 * @param httpStatus the HTTP status of the failed call, or {@code null}
 * @param retryable whether the collector will try again by itself
 */
public record ObservationFailed(
    ResourceKey resource,
    Instant observedAt,
    String reason,
    String message,
    Integer httpStatus,
    boolean retryable)
    implements ResourceEvent {

  /** Checks the required fields. */
  public ObservationFailed {
    Require.present("resource", resource);
    Require.present("observedAt", observedAt);
    Require.text("reason", reason);
    message = message == null ? "" : message;
  }
}
