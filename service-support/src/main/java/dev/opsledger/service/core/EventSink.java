package dev.opsledger.service.core;

import dev.opsledger.events.EventEnvelope;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a service's events go: the port its core publishes through, so the core is tested with an
 * in-memory sink and never sees a Kafka client. In production it is {@link
 * dev.opsledger.service.EventPublisher#sink}: records keyed by subject, so events of one resource
 * keep their order.
 */
public interface EventSink {

  /**
   * Sends one event without waiting.
   *
   * @return completes when Kafka has acknowledged the event, fails when Kafka refused it
   */
  CompletableFuture<?> send(EventEnvelope<?> event);

  /**
   * Sends events in order and returns once Kafka has acknowledged every one of them.
   *
   * @throws RuntimeException when any was not acknowledged in time: transient, the caller retries
   */
  void sendAndWait(List<? extends EventEnvelope<?>> events);

  /**
   * Sends one event and returns once Kafka has acknowledged it (and every earlier event of its
   * key).
   *
   * @throws RuntimeException when it was not acknowledged in time: transient, the caller retries
   */
  default void sendAndWait(EventEnvelope<?> event) {
    sendAndWait(List.of(event));
  }
}
