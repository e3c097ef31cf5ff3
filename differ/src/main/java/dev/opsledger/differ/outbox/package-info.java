/**
 * The way out: a tracking event processor ({@code differ-outbox}) reads the aggregates' {@code
 * ReconciliationStateChanged} events from the event store and publishes them to {@code
 * opsledger.diffs} as contract events; a subscribing processor ({@code differ-states}) keeps the
 * latest state per resource for the gauges and for a rebuild.
 *
 * <p>Invariants: at least once and in order per resource (one segment, events in store order, the
 * token stored in the same database after the broker acknowledged); the {@code ce_id} is the Axon
 * event's identifier, so a re-publication has the same id; {@code correlation} is the desired
 * revision, {@code causation} the input's {@code ce_id}. After a rebuild (no outbox token), nothing
 * that consumers already saw is published again: see {@link
 * dev.opsledger.differ.outbox.RebuildFilter}.
 */
package dev.opsledger.differ.outbox;
