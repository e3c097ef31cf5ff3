/**
 * The apply contract between the engine and the edges: requests, the sealed {@link
 * dev.opsledger.applier.apply.Outcome} and the two kinds of {@link
 * dev.opsledger.applier.apply.Failure}.
 *
 * <p>Invariants: a {@link dev.opsledger.applier.apply.ResourceApplier} never throws for an API
 * error, it returns {@code Failed}; requests never print their manifests (unsealed Secrets).
 */
package dev.opsledger.applier.apply;
