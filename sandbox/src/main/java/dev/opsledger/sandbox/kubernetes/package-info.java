/**
 * The Kubernetes API emulator that {@code opsledger up} and the integration tests run instead of a
 * cluster: {@link dev.opsledger.sandbox.kubernetes.KubernetesEmulator}.
 *
 * <p>Role: fabric8's {@code kubernetes-server-mock} in CRUD mode on loopback, with a dispatcher in
 * front ({@code EmulatorDispatcher}) that adds discovery, 415 for unreadable bodies, server-side
 * apply, strategic merge patch, managed fields, dry runs, restarts and persistence. The pure parts
 * (merges, managed-field sets, the discovery catalogue) are separate classes with unit tests.
 *
 * <p>Invariants: every stored change goes through fabric8's own POST/PUT/DELETE handlers, so the
 * resourceVersion always grows and watchers hear of every change; writes are serialised; what is
 * not emulated is listed in the Javadoc of {@code KubernetesEmulator} and in the sandbox README,
 * and must stay listed there.
 */
package dev.opsledger.sandbox.kubernetes;
