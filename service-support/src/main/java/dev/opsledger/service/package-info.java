/**
 * What every OpsLedger service shares, as Spring Boot auto-configuration.
 *
 * <p>Role: publish events ({@link dev.opsledger.service.EventPublisher}), decode consumed records
 * and turn unreadable ones into {@link dev.opsledger.service.PoisonRecordException} so the Spring
 * Cloud Stream Kafka binder sends them to the topic's {@code .dlq} without retrying, create the
 * topic catalogue before any binding starts, load the fleet's secret key, and derive each service's
 * binding properties from its {@link dev.opsledger.service.StreamFunction}s.
 *
 * <p>Invariants: consumer groups are always named by the service; a poison record never stops a
 * consumer; no secret value is logged.
 */
package dev.opsledger.service;
