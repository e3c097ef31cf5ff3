package dev.opsledger.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opsledger.events.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  private static final String TOPIC = Topic.DIFFS.topicName();
  private static final String GROUP = "broker-it";

  @TempDir Path dataDir;

  @Test
  void keepsRecordsAndCommittedOffsetsAcrossRestartOnTheSameDataDir() throws Exception {
    try (var broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start()) {
      System.out.printf(
          "embedded broker first start (format included): %d ms%n",
          broker.lastStartDuration().toMillis());
      bootstrapTopics(broker.bootstrapServers());
      produce(broker.bootstrapServers(), "first-", 5);
      List<String> read = consumeAndCommit(broker.bootstrapServers(), 3);
      assertThat(read).containsExactly("first-0", "first-1", "first-2");
    }

    try (var broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start()) {
      System.out.printf(
          "embedded broker restart on existing dir: %d ms%n",
          broker.lastStartDuration().toMillis());
      try (Admin admin = admin(broker.bootstrapServers())) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
            .as("offsets the group committed before the restart")
            .isEqualTo(3);
      }
      List<String> rest = consumeAndCommit(broker.bootstrapServers(), 2);
      assertThat(rest)
          .as("the group resumes after its committed offset")
          .containsExactly("first-3", "first-4");
    }
  }

  private static void bootstrapTopics(String bootstrap) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 12, (short) 1))).all().get();
    }
  }

  private static void produce(String bootstrap, String prefix, int count) throws Exception {
    Map<String, Object> config =
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "key.serializer",
            StringSerializer.class.getName(),
            "value.serializer",
            ByteArraySerializer.class.getName());
    try (var producer = new KafkaProducer<String, byte[]>(config)) {
      for (int i = 0; i < count; i++) {
        // One key: every record lands in one partition, in order.
        producer.send(new ProducerRecord<>(TOPIC, "k", (prefix + i).getBytes())).get();
      }
    }
  }

  private static List<String> consumeAndCommit(String bootstrap, int count) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrap);
    config.put("group.id", GROUP);
    config.put("key.deserializer", StringDeserializer.class.getName());
    config.put("value.deserializer", ByteArrayDeserializer.class.getName());
    config.put("auto.offset.reset", "earliest");
    config.put("enable.auto.commit", "false");
    config.put("max.poll.records", 1);
    List<String> read = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, byte[]>(config)) {
      consumer.subscribe(List.of(TOPIC));
      await("consumed " + count + " records")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  if (read.size() < count) {
                    read.add(new String(r.value()));
                    consumer.commitSync(
                        Map.of(
                            new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1)));
                  }
                }
                return read.size() >= count;
              });
    }
    return read;
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
