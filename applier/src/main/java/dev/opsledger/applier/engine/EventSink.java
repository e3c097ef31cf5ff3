package dev.opsledger.applier.engine;

import dev.opsledger.events.EventEnvelope;

/**
 * Where the engine's events go ({@code opsledger.applies}); an interface so the engine is testable.
 */
public interface EventSink {

  /** Sends without waiting; order per resource is kept by the producer. */
  void send(EventEnvelope<?> event);

  /**
   * Sends and waits until Kafka acknowledged it (and every earlier event of the resource).
   *
   * @throws RuntimeException when Kafka did not acknowledge in time
   */
  void sendAndWait(EventEnvelope<?> event);
}
