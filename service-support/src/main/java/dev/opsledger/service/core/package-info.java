/**
 * What the services' pure cores share: the {@link dev.opsledger.service.core.EventSink} port (where
 * a core's events go), {@link dev.opsledger.service.core.Backoff} (how long to wait before the next
 * attempt) and {@link dev.opsledger.service.core.LogContext} (the resource and commit SHA a log
 * line is about, as SLF4J MDC fields).
 *
 * <p>Why here and not in {@code kafka/} or {@code events/}: the one production implementation of
 * the port is service-support's {@link dev.opsledger.service.EventPublisher#sink}, and every
 * service already depends on this module; {@code kafka/} is the Kafka edge itself, and {@code
 * events/} is the wire contract, which says nothing about how a service publishes or retries.
 *
 * <p>Invariant: plain Java (and the SLF4J API). Nothing here imports Spring or a Kafka client
 * (service-support's {@code ArchitectureTest} checks it), so the feature packages that must stay
 * free of the edges may use it.
 */
package dev.opsledger.service.core;
