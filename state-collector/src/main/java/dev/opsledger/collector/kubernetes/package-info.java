/**
 * The Kubernetes edge: fabric8 clients per cluster, discovery of the kinds the desired topic names,
 * and one generic informer per kind per cluster (all namespaces).
 *
 * <p>Role: {@link dev.opsledger.collector.kubernetes.KubernetesCollector} routes desired-state
 * updates to the {@link dev.opsledger.collector.kubernetes.ClusterWatcher} of their target; a
 * cluster watcher resolves each kind through discovery ({@link
 * dev.opsledger.collector.kubernetes.KindResolver}), runs a {@link
 * dev.opsledger.collector.kubernetes.KindWatch} for it, reports declared resources that have no
 * live object, retries kinds that cannot be watched yet, and resyncs periodically.
 *
 * <p>Invariants: every object goes through {@link dev.opsledger.collector.observe.LiveProjection}
 * before it leaves the informer thread (so Secret values are hashed at once); a kind that fails
 * (forbidden, unknown, unreachable) is reported and retried without stopping the other kinds;
 * informers relist after an outage (the API answers 410 to a stale watch), and a relist that misses
 * an object reports it deleted.
 */
package dev.opsledger.collector.kubernetes;
