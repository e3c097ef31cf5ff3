package dev.opsledger.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the JSON body of one event type from one schema version into the next. Upcasters are
 * chained, so an event written with version 1 is read by any later reader.
 */
public interface Upcaster {

  /** The event type this upcaster applies to. */
  EventType type();

  /** The version it reads; it writes {@code fromVersion() + 1}. */
  int fromVersion();

  /**
   * Returns the body at the next version. It may change {@code body} in place and return it.
   *
   * @throws IllegalArgumentException when the body is not a valid event of {@link #fromVersion()}
   */
  ObjectNode upcast(ObjectNode body);
}
