/**
 * Test fixtures shared by every module: a real Kafka broker, real Git repositories, the Awaitility
 * defaults, a writer of events ({@link dev.opsledger.testkit.LogWriter}) and a tail to await them
 * ({@link dev.opsledger.testkit.LogTail}); and the checks every service runs on itself ({@link
 * dev.opsledger.testkit.ConfigurationReference}, {@link dev.opsledger.testkit.ServiceLayout}).
 *
 * <p>Invariants: nothing here fakes a protocol. The broker is an external one ({@code
 * KAFKA_BOOTSTRAP_SERVERS}), a Testcontainers broker when a Docker engine answers, or the
 * in-process KRaft broker; Git repositories are real repositories on disk.
 */
package dev.opsledger.testkit;
