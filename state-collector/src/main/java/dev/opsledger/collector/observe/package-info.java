/**
 * The pure core of the collector: what a live object looks like once the fields that cannot matter
 * for a diff are removed, and whether an observation is news.
 *
 * <p>Role: {@link dev.opsledger.collector.observe.LiveProjection} turns a raw object into the
 * canonical form that is emitted and hashed; {@link dev.opsledger.collector.observe.Observation} is
 * what an edge (an informer, an AWS poll) saw; {@link
 * dev.opsledger.collector.observe.ObservationLedger} remembers the last thing reported per resource
 * and turns an observation into an event only when it differs.
 *
 * <p>Invariants: no client library (fabric8, AWS SDK, Kafka) is imported here; the content hash of
 * an emitted object is the hash of exactly the object emitted; Secret values are hashed before the
 * object is hashed or emitted, never carried plain; a resource is reported again only when its
 * fingerprint (content hash, absence, or failure reason) changes.
 */
package dev.opsledger.collector.observe;
