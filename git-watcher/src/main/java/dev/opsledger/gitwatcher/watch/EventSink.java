package dev.opsledger.gitwatcher.watch;

import dev.opsledger.events.EventEnvelope;
import java.util.List;

/** Where events go: in order, returning only once Kafka acknowledged all of them. */
@FunctionalInterface
public interface EventSink {

  /**
   * Publishes events in order and waits for their acknowledgement.
   *
   * @throws RuntimeException when any was not acknowledged (transient: the cycle is retried)
   */
  void publishAll(List<? extends EventEnvelope<?>> events);
}
