/**
 * Where observations become events on {@code opsledger.observed}.
 *
 * <p>Role: {@link dev.opsledger.collector.emit.ObservationEmitter} runs every observation of every
 * target through the {@link dev.opsledger.collector.observe.ObservationLedger} on one thread and
 * publishes what is news; {@link dev.opsledger.collector.StateCollectorMetrics} counts it.
 *
 * <p>Invariants: one thread decides and sends, so events of one resource leave in the order they
 * were observed; an event Kafka did not acknowledge is forgotten by the ledger, so the next
 * sighting (at the latest the next resync) reports it again; nothing here logs an object's content.
 */
package dev.opsledger.collector.emit;
