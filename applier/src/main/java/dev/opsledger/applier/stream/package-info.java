/**
 * The applier's Kafka edge: the records of its three bindings ({@code applierDiffsIn}, {@code
 * applierDesiredIn}, {@code applierApprovalsIn}) decoded into {@code events/} records for the
 * engine ({@link dev.opsledger.applier.stream.ApplierInputs}), and the replay of the log that
 * rebuilds the engine's memory at start ({@link dev.opsledger.applier.stream.LogReplay}).
 *
 * <p>Invariants: the only package of the applier that reads Kafka (events leave through
 * service-support's {@code EventSink}); a record that cannot be read, or an event on the wrong
 * topic, goes to the topic's DLQ and never stops a consumer; the replay reads up to the end offsets
 * seen at start, before any binding starts, and has no side effect but the engine's memory.
 */
package dev.opsledger.applier.stream;
