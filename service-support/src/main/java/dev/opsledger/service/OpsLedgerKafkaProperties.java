package dev.opsledger.service;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Kafka settings every OpsLedger service shares ({@code opsledger.kafka.*}). */
@Validated
@ConfigurationProperties("opsledger.kafka")
public class OpsLedgerKafkaProperties {

  /**
   * The Kafka bootstrap servers. Defaults to the {@code KAFKA_BOOTSTRAP_SERVERS} environment
   * variable, else {@code localhost:9092}; the Spring Cloud Stream binder uses the same value.
   */
  @NotBlank private String bootstrapServers = "localhost:9092";

  /** Whether the service creates the topic catalogue (idempotently) when it starts. */
  private boolean createTopics = true;

  /**
   * The replication factor of topics the service creates; -1 takes the broker's {@code
   * default.replication.factor}.
   */
  private short replicationFactor = -1;

  /** How long to wait at start for the topics to be ready. */
  private Duration topicReadyTimeout = Duration.ofSeconds(60);

  /** The {@code ce_source} of the events this service writes, e.g. {@code /opsledger/differ}. */
  private String source = "/opsledger";

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  public boolean isCreateTopics() {
    return createTopics;
  }

  public void setCreateTopics(boolean createTopics) {
    this.createTopics = createTopics;
  }

  public short getReplicationFactor() {
    return replicationFactor;
  }

  public void setReplicationFactor(short replicationFactor) {
    this.replicationFactor = replicationFactor;
  }

  public Duration getTopicReadyTimeout() {
    return topicReadyTimeout;
  }

  public void setTopicReadyTimeout(Duration topicReadyTimeout) {
    this.topicReadyTimeout = topicReadyTimeout;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }
}
