/**
 * The state-collector: OpsLedger's eyes on the running system. It watches Kubernetes clusters
 * (fabric8 informers, one per declared kind) and polls AWS accounts (SDK v2), and writes {@code
 * ObservedStateChanged}, {@code ObservedStateAbsent} and {@code ObservationFailed} to {@code
 * opsledger.observed} only when something that can matter for a diff changed.
 *
 * <p>Role of this package: the configuration ({@link
 * dev.opsledger.collector.StateCollectorProperties}) and the wiring ({@link
 * dev.opsledger.collector.StateCollectorConfiguration}). Features live in sub-packages: {@code
 * observe} (pure core), {@code emit}, {@code desired}, {@code kubernetes}, {@code aws}.
 *
 * <p>Invariants: bean names start with {@code stateCollector}; no global setting is made here, so
 * the configuration can share a process with the other services.
 */
package dev.opsledger.collector;
