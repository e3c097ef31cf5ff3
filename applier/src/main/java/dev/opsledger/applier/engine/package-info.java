/**
 * The applier's core: deciding ({@link dev.opsledger.applier.engine.Decider}, pure), fencing,
 * deduplication, approvals, retries, and the engine that ties them to the appliers and the event
 * log.
 *
 * <p>Invariants: a diff for a revision older than the newest declared is never applied; a diff is
 * applied at most once to a final outcome (dedupe by its {@code ce_id}); every attempt and outcome
 * is an event keyed by the resource, correlated to the desired revision, caused by the diff;
 * transient failures are retried with backoff and never dropped; no Kubernetes or AWS client is
 * imported here.
 */
package dev.opsledger.applier.engine;
