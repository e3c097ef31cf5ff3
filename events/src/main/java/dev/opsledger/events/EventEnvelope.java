package dev.opsledger.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One event with its CloudEvents context attributes and OpsLedger's tracing extensions.
 *
 * @param id the CloudEvents {@code id}: unique per event, stable across redelivery so consumers can
 *     deduplicate on it
 * @param source the CloudEvents {@code source}, e.g. {@code /opsledger/differ}
 * @param time when the event happened
 * @param correlation the commit SHA (or other root id) that started the chain; empty when none
 * @param causation the id of the event that caused this one; empty when none
 * @param traceparent the W3C {@code traceparent}; empty when the writer does not trace
 * @param data the event itself
 * @param <E> the event type
 */
public record EventEnvelope<E extends OpsLedgerEvent>(
    String id,
    String source,
    Instant time,
    String correlation,
    String causation,
    String traceparent,
    E data) {

  /** Checks the required attributes and normalises absent extensions to empty strings. */
  public EventEnvelope {
    Require.text("id", id);
    Require.text("source", source);
    Require.present("time", time);
    Require.present("data", data);
    correlation = correlation == null ? "" : correlation;
    causation = causation == null ? "" : causation;
    traceparent = traceparent == null ? "" : traceparent;
  }

  /**
   * A new event with a random id, the current time (to the millisecond, as it is written) and no
   * causation.
   */
  public static <E extends OpsLedgerEvent> EventEnvelope<E> create(
      String source, String correlation, E data) {
    return new EventEnvelope<>(
        UUID.randomUUID().toString(),
        source,
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        correlation,
        "",
        "",
        data);
  }

  /** A new event caused by {@code cause}: same correlation and trace, causation = its id. */
  public static <E extends OpsLedgerEvent> EventEnvelope<E> causedBy(
      EventEnvelope<?> cause, String source, E data) {
    return new EventEnvelope<>(
        UUID.randomUUID().toString(),
        source,
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        cause.correlation(),
        cause.id(),
        cause.traceparent(),
        data);
  }

  /** The same event with another id (for writers that derive stable ids). */
  public EventEnvelope<E> withId(String newId) {
    return new EventEnvelope<>(newId, source, time, correlation, causation, traceparent, data);
  }

  /**
   * The same event with another {@code traceparent}: the publisher stamps the span that sends it,
   * so the header names the span a consumer continues, not only the trace.
   */
  public EventEnvelope<E> withTraceparent(String newTraceparent) {
    return new EventEnvelope<>(id, source, time, correlation, causation, newTraceparent, data);
  }

  /** The event's type. */
  public EventType type() {
    return EventType.of(data);
  }

  /** The CloudEvents subject and Kafka record key. */
  public String subject() {
    return data.subject();
  }
}
