package dev.opsledger.service;

import dev.opsledger.kafka.KafkaConnection;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka settings every OpsLedger service shares ({@code opsledger.kafka.*}).
 *
 * @param bootstrapServers The Kafka bootstrap servers. Defaults to the {@code
 *     KAFKA_BOOTSTRAP_SERVERS} environment variable, else {@code localhost:9092}; the Spring Cloud
 *     Stream binder uses the same value.
 * @param createTopics Whether the service creates the topic catalogue (idempotently) when it
 *     starts.
 * @param replicationFactor The replication factor of topics the service creates; -1 takes the
 *     broker's {@code default.replication.factor}.
 * @param topicReadyTimeout How long to wait at start for the topics to be ready.
 * @param source The {@code ce_source} of the events this service writes, e.g. {@code
 *     /opsledger/differ}.
 * @param properties Extra Kafka client properties every client of the service takes (producers,
 *     consumers, admin clients and the Spring Cloud Stream binder), by Kafka name, e.g. {@code
 *     opsledger.kafka.properties.security.protocol=SASL_SSL}, {@code sasl.mechanism}, {@code
 *     sasl.jaas.config}, {@code ssl.truststore.location}. Empty: plaintext, no authentication.
 */
@Validated
@ConfigurationProperties("opsledger.kafka")
public record OpsLedgerKafkaProperties(
    @DefaultValue("localhost:9092") @NotBlank String bootstrapServers,
    @DefaultValue("true") boolean createTopics,
    @DefaultValue("-1") short replicationFactor,
    @DefaultValue("60s") Duration topicReadyTimeout,
    @DefaultValue("/opsledger") String source,
    Map<String, String> properties) {

  /** Normalises an absent map to an empty one. */
  public OpsLedgerKafkaProperties {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** The cluster with its client properties, as every client of the service is built from. */
  public KafkaConnection connection() {
    return new KafkaConnection(bootstrapServers, properties);
  }

  /** Never prints the properties' values: a JAAS configuration holds a password. */
  @Override
  public String toString() {
    return "OpsLedgerKafkaProperties[" + connection() + "]";
  }
}
