package dev.opsledger.collector.emit;

import dev.opsledger.events.EventEnvelope;
import java.util.concurrent.CompletableFuture;

/** Sends one event; the future completes when Kafka acknowledged it. */
@FunctionalInterface
public interface EventSink {

  /** Sends {@code event}. */
  CompletableFuture<?> send(EventEnvelope<?> event);
}
