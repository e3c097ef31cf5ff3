/**
 * The Kafka edge of the contract, shared by every service, the audit and the test kit.
 *
 * <p>Role: map {@link dev.opsledger.events.EncodedEvent}s to and from Kafka records, give producers
 * and consumers the settings the contract needs (zstd, record size, read-committed), create the
 * topic catalogue idempotently, and read bounded stretches of the log ({@link
 * dev.opsledger.kafka.LogScan}: the one consumer loop outside the stream bindings).
 *
 * <p>Invariants: nothing here knows a service's domain; the topic bootstrapper never deletes a
 * topic, never lowers a partition count and changes only the configuration keys the catalogue owns;
 * a scan always ends (at bounds fixed when it starts, or at its deadline), commits nothing and
 * never throws for a record it cannot decode. No Spring here: services wire it themselves.
 */
package dev.opsledger.kafka;
