/**
 * The applier's core: deciding ({@link dev.opsledger.applier.engine.Decider}, pure), fencing,
 * deduplication, approvals and retries, coordinated by the {@link
 * dev.opsledger.applier.engine.ApplyEngine} beside the {@link
 * dev.opsledger.applier.engine.ResourceActions} (applies and deletes through the resource's
 * applier), the {@link dev.opsledger.applier.engine.OutcomeRecorder} (outcomes into events and
 * meters) and the {@link dev.opsledger.applier.engine.ResourceLocks} (one resource's work at a
 * time).
 *
 * <p>Invariants: a diff for a revision older than the newest declared is never applied; a diff is
 * applied at most once to a final outcome (dedupe by its {@code ce_id}); every attempt and outcome
 * is an event keyed by the resource, correlated to the desired revision, caused by the diff;
 * transient failures are retried with backoff and never dropped. It speaks only in {@code events/}
 * records and ports ({@link dev.opsledger.applier.apply.ResourceApplier}, service-support's {@code
 * EventSink}): no Kafka, Kubernetes or AWS client is imported here (the applier's {@code
 * ArchitectureTest} checks it).
 */
package dev.opsledger.applier.engine;
