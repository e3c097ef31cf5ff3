/**
 * Spans across the services (README "Tracing"): {@link dev.opsledger.service.tracing.EventTracing}
 * opens the CONSUMER span of a consumed record, the PRODUCER span of a sent event and the root span
 * of a trace, with the OpenTelemetry API; {@code OtlpTracing} builds the SDK and its OTLP exporter
 * when, and only when, an endpoint is configured.
 *
 * <p>Invariants: a span never carries an event body or an exception message (no Secret value can
 * reach a trace backend); with tracing off, no SDK or exporter class is loaded and no thread is
 * started, and {@code traceparent} still passes from consumed records to the events they cause.
 */
package dev.opsledger.service.tracing;
