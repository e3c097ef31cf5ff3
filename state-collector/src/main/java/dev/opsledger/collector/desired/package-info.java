/**
 * What the collector learns from {@code opsledger.desired}: which kinds to watch on which target,
 * and which resources are declared (so that a declared resource with no live object is reported as
 * {@code not-found}).
 *
 * <p>Role: {@link dev.opsledger.collector.desired.DeclaredResources} is the projection of the
 * desired topic; {@link dev.opsledger.collector.desired.DesiredEventHandler} folds one event into
 * it and tells the collectors what is new.
 *
 * <p>Invariants: the projection is rebuilt from the start of the topic at every start (the binding
 * resets its offsets), so it never depends on a checkpoint; folding the same event twice changes
 * nothing; a kind once declared on a target stays watched for the life of the process, so objects
 * whose declaration was removed from Git are still seen (for pruning).
 */
package dev.opsledger.collector.desired;
