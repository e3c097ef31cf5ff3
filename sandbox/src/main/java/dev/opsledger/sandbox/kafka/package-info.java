/**
 * An Apache Kafka broker in this JVM: KRaft combined mode (one node that is both controller and
 * broker), on loopback, with its log on disk.
 *
 * <p>Role: the broker of {@code opsledger up} and of the tests when no external broker or Docker
 * engine is there. Invariants: a data directory is formatted only when it has no {@code
 * meta.properties}, so a restart on the same directory keeps every record and every committed
 * offset; it listens on 127.0.0.1 only.
 */
package dev.opsledger.sandbox.kafka;
