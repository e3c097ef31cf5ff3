package dev.opsledger.service;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pattern every service follows: a {@code Consumer<Message<byte[]>>} bound by Spring Cloud
 * Stream with a named group, decoding through {@link EventMessages}; a poison record goes to the
 * topic's {@code .dlq} with its reason and the consumer keeps going.
 */
@SpringBootTest(
    classes = StreamConsumerDeadLetterIT.App.class,
    properties = {
      "spring.cloud.function.definition=sink",
      "spring.cloud.stream.bindings.sink-in-0.destination=opsledger.diffs",
      "spring.cloud.stream.bindings.sink-in-0.group=service-support-it",
      "opsledger.kafka.source=/opsledger/test"
    })
class StreamConsumerDeadLetterIT {

  static final List<EventEnvelope<OpsLedgerEvent>> RECEIVED = new CopyOnWriteArrayList<>();

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
  }

  @Autowired EventPublisher publisher;

  @Test
  void deadLettersAPoisonRecordAndGoesOnWithTheNextValidEvent() throws Exception {
    String target = "it-" + UUID.randomUUID();
    ResourceKey key = ResourceKey.of(target, "apps", "Deployment", "default", "web");
    try (var raw =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(SharedKafka.bootstrapServers()))) {
      raw.send(
              new ProducerRecord<>(
                  Topic.DIFFS.topicName(),
                  key.toString(),
                  "{not json".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    var valid =
        EventEnvelope.create(
            "/opsledger/test",
            "abc123",
            new ResourceInSync(key, "src", "abc123", "sha256:00", Instant.now()));
    publisher.publishAndWait(valid, Duration.ofSeconds(30));

    await("the valid event after the poison record is consumed")
        .until(() -> RECEIVED.stream().anyMatch(e -> e.id().equals(valid.id())));

    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            KafkaSettings.consumer(SharedKafka.bootstrapServers(), "dlq-reader-" + target))) {
      consumer.subscribe(List.of(Topic.DIFFS.dlqName()));
      List<ConsumerRecord<String, byte[]>> dead = new CopyOnWriteArrayList<>();
      await("the poison record is in opsledger.diffs.dlq")
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> key.toString().equals(r.key()));
              });
      var record = dead.stream().filter(r -> key.toString().equals(r.key())).findFirst().get();
      assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
      var reason = record.headers().lastHeader("x-exception-message");
      assertThat(reason).isNotNull();
      assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("MISSING_HEADER");
    }
    assertThat(RECEIVED).filteredOn(e -> e.subject().equals(key.toString())).hasSize(1);
  }

  @SpringBootApplication
  static class App {
    @Bean
    Consumer<Message<byte[]>> sink(EventMessages messages) {
      return message -> RECEIVED.add(messages.decode(message));
    }
  }
}
