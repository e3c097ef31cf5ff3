/**
 * The reconciliation of one resource: the Axon event-sourced aggregate {@link
 * dev.opsledger.differ.reconcile.ResourceReconciliation} (one per {@code ResourceKey}), its
 * commands and its internal events.
 *
 * <p>Invariants: the aggregate records an input event only when its content is new (dedupe on the
 * input's {@code ce_id}, content hash, and revision/observation order) and a {@link
 * dev.opsledger.differ.reconcile.ReconciliationStateChanged} only when the diff state or the
 * drift's fingerprint changes; the diff engine runs while handling commands, never while replaying,
 * so a replay re-creates exactly the recorded history. Axon types are allowed here; Spring and
 * Kafka are not (ArchitectureTest): the edge packages {@code stream} and {@code outbox} translate.
 */
package dev.opsledger.differ.reconcile;
