package dev.opsledger.events;

import java.time.Instant;

/**
 * A resource does not exist live: it was deleted, or it was looked for and not found.
 *
 * @param resource the resource
 * @param observedAt when its absence was seen
 * @param reason {@code deleted} (a watch saw it go), {@code not-found} (a list or get missed it)
 */
public record ObservedStateAbsent(ResourceKey resource, Instant observedAt, String reason)
    implements ResourceEvent {

  /** Checks the required fields. */
  public ObservedStateAbsent {
    Require.present("resource", resource);
    Require.present("observedAt", observedAt);
    Require.text("reason", reason);
  }
}
