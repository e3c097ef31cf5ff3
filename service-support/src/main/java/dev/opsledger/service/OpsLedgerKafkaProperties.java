package dev.opsledger.service;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
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
 */
@Validated
@ConfigurationProperties("opsledger.kafka")
public record OpsLedgerKafkaProperties(
    @DefaultValue("localhost:9092") @NotBlank String bootstrapServers,
    @DefaultValue("true") boolean createTopics,
    @DefaultValue("-1") short replicationFactor,
    @DefaultValue("60s") Duration topicReadyTimeout,
    @DefaultValue("/opsledger") String source) {}
