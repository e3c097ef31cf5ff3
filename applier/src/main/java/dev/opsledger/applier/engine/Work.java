package dev.opsledger.applier.engine;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;

/**
 * One diff to act on, with the attempt it is at.
 *
 * @param diff the diff event
 * @param attempt 1 for the first attempt
 * @param firstSeen when the applier first saw the diff (bounds the wait for its desired state)
 */
public record Work(EventEnvelope<? extends ResourceEvent> diff, int attempt, Instant firstSeen) {

  /** The resource. */
  public ResourceKey key() {
    return diff.data().resource();
  }

  /** The diff's event id: the dedupe key. */
  public String id() {
    return diff.id();
  }

  /** The same diff at the next attempt. */
  public Work next() {
    return new Work(diff, attempt + 1, firstSeen);
  }
}
