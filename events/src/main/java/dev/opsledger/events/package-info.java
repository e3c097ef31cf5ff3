/**
 * The OpsLedger contract: what every service writes to and reads from Kafka.
 *
 * <p>Role: immutable event records ({@link dev.opsledger.events.OpsLedgerEvent} and its subtypes),
 * the identity of a resource ({@link dev.opsledger.events.ResourceKey}), the topic catalogue
 * ({@link dev.opsledger.events.Topic}), the CloudEvents 1.0 Kafka binding in binary mode ({@link
 * dev.opsledger.events.EventCodec}) and the upcasters that keep old events readable forever. The
 * vocabulary every service shares lives here too, once: {@link dev.opsledger.events.DiffEvent} with
 * its {@link dev.opsledger.events.DiffState}, {@link dev.opsledger.events.ApplyEvent}, and {@link
 * dev.opsledger.events.SkipPolicy}; services switch on these, never on strings.
 *
 * <p>Invariants: this package depends on Jackson and the JDK only (no Kafka, Spring or cloud
 * clients), so a subscriber in any JVM language can read the log with it; an event type, once
 * published, keeps its {@code ce_type} forever and changes shape only through a new schema version
 * plus an upcaster from the previous one.
 */
package dev.opsledger.events;
