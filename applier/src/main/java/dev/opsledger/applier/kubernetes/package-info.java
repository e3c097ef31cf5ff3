/**
 * Kubernetes edge: server-side apply with field manager {@code opsledger} through fabric8, prune
 * with a propagation policy, and the classification of API errors.
 *
 * <p>Invariants: every applied object carries {@code app.kubernetes.io/managed-by=opsledger} and
 * the {@code opsledger.dev/source} and {@code opsledger.dev/revision} annotations; a missing
 * namespace or CRD is a retryable failure, never a terminal one; API errors are returned as {@code
 * Failed}, never thrown; manifests (which may hold opened Secret values) are never logged.
 */
package dev.opsledger.applier.kubernetes;
