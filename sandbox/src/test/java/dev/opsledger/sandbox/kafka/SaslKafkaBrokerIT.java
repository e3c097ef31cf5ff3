package dev.opsledger.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker with SASL: who can write, and what the others are told. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslKafkaBrokerIT {

  private static final String TOPIC = "sasl-it";
  private static final String USER = "writer";
  private static final String PASSWORD = "writer-secret";

  @TempDir static Path dataDir;
  private EmbeddedKafkaBroker broker;

  @BeforeAll
  void start() throws Exception {
    broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dataDir)
            .sasl("admin", "admin-secret")
            .build()
            .start();
    broker.addScramUser(USER, PASSWORD);
    Map<String, Object> admin = new HashMap<>(broker.adminClientProperties());
    admin.put("bootstrap.servers", broker.bootstrapServers());
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aScramUserWritesAndReads() throws Exception {
    Map<String, String> scram = EmbeddedKafkaBroker.scramClientProperties(USER, PASSWORD);
    try (var producer = producer(scram)) {
      producer.send(new ProducerRecord<>(TOPIC, "k", "by-scram")).get(30, TimeUnit.SECONDS);
    }

    assertThat(readAll()).contains("by-scram");
  }

  @Test
  void aWrongPasswordIsRefusedWithAnAuthenticationError() {
    Map<String, String> wrong = EmbeddedKafkaBroker.scramClientProperties(USER, "not-the-password");

    assertThatThrownBy(
            () -> {
              try (var producer = producer(wrong)) {
                producer.send(new ProducerRecord<>(TOPIC, "k", "wrong")).get(30, TimeUnit.SECONDS);
              }
            })
        .as("the client is told authentication failed, it does not wait")
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class)
        .hasMessageContaining("Authentication failed");
    assertThat(readAll()).doesNotContain("wrong");
  }

  @Test
  void anUnauthenticatedProducerWritesNothing() {
    Map<String, String> plaintext = Map.of("security.protocol", "PLAINTEXT");

    assertThatThrownBy(
            () -> {
              try (var producer = producer(plaintext)) {
                producer
                    .send(new ProducerRecord<>(TOPIC, "k", "unauthenticated"))
                    .get(30, TimeUnit.SECONDS);
              }
            })
        .as("the broker closes the connection before any metadata, so the send never starts")
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(readAll()).doesNotContain("unauthenticated");
  }

  private KafkaProducer<String, String> producer(Map<String, String> security) {
    Map<String, Object> config = new HashMap<>(security);
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("key.serializer", StringSerializer.class.getName());
    config.put("value.serializer", StringSerializer.class.getName());
    // Bounds the metadata wait of a client the broker will not talk to.
    config.put("max.block.ms", "5000");
    return new KafkaProducer<>(config);
  }

  private List<String> readAll() {
    Map<String, Object> config = new HashMap<>(broker.adminClientProperties());
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("key.deserializer", StringDeserializer.class.getName());
    config.put("value.deserializer", StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, String>(config)) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
          values.add(
              new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }
}
