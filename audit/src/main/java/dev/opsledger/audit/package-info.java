/**
 * Answers from the log: the history of a resource, the state of everything at a time, the timeline
 * of a commit, who changed what.
 *
 * <p>Role: replay OpsLedger's topics with plain Kafka consumers (no consumer group, so an audit
 * never moves a service's offsets), seeking by time with {@code offsetsForTimes}, and fold the
 * events into answers; serve them read-only over HTTP.
 *
 * <p>Invariants: an audit never writes to Kafka and never triggers a side effect (no notification,
 * no apply); a record it cannot read is reported in the answer, never skipped in silence and never
 * fatal.
 */
package dev.opsledger.audit;
