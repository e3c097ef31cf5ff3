package dev.opsledger.testkit;

/**
 * Where the tests' Kafka broker is.
 *
 * @param bootstrapServers the bootstrap address
 * @param kind which kind of broker it is
 */
public record KafkaEndpoint(String bootstrapServers, Kind kind) {

  /** The kinds of broker the test kit can give. */
  public enum Kind {
    /** Named by {@code KAFKA_BOOTSTRAP_SERVERS}. */
    EXTERNAL,
    /** A Testcontainers Kafka container (a Docker engine answered). */
    TESTCONTAINERS,
    /** The in-process KRaft broker of the sandbox. */
    EMBEDDED
  }
}
