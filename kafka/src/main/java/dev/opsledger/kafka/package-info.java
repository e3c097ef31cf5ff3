/**
 * The Kafka edge of the contract, shared by every service and by the sandbox.
 *
 * <p>Role: map {@link dev.opsledger.events.EncodedEvent}s to and from Kafka records, give producers
 * and consumers the settings the contract needs (zstd, record size, read-committed), and create the
 * topic catalogue idempotently.
 *
 * <p>Invariants: nothing here knows a service's domain; the topic bootstrapper never deletes a
 * topic, never lowers a partition count and changes only the configuration keys the catalogue owns.
 */
package dev.opsledger.kafka;
